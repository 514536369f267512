document.documentElement.classList.add('js');
(function () {
  var input = document.getElementById('file');
  if (!input) { return; }
  var form = input.form, frame = document.querySelector('.frame'), button = form.querySelector('button[type=submit]');
  var preview = frame.querySelector('.preview'), cta = frame.querySelector('.cta span'), alert = document.querySelector('.alert');
  button.disabled = !input.files.length;
  input.addEventListener('change', function () {
    var file = input.files[0];
    if (!file) { return; }
    if (file.size > 10 * 1024 * 1024) {
      input.value = '';
      button.disabled = true;
      alert.textContent = alert.dataset.tooLarge;
      alert.hidden = false;
      return;
    }
    alert.hidden = true;
    preview.src = URL.createObjectURL(file);
    frame.classList.add('chosen');
    cta.textContent = frame.dataset.change;
    button.disabled = false;
  });
  form.addEventListener('submit', function () {
    setTimeout(function () { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
  });
})();
