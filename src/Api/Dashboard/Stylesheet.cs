namespace MagicLink.Api.Dashboard;

/// <summary>The dashboard's one stylesheet, served from <c>/dashboard/assets/</c> so pages carry no inline styles.</summary>
public static class Stylesheet
{
    public const string Css = """
        :root {
          --bg: #f6f8fb; --panel: #fff; --ink: #1a1f36; --text: #3c4257; --muted: #697386; --line: #e3e8ee; --soft: #f1f4f9;
          --accent: #1f4fd8; --accent-ink: #1a43b8; --accent-soft: #eef2ff;
          --green: #0e7a43; --green-soft: #e3f6ea; --amber: #9a5b00; --amber-soft: #fdf1db; --red: #c0262d; --red-soft: #fde8e8;
          --blue: #1f4fd8; --blue-soft: #e6edff; --grey: #545969; --grey-soft: #eceff4;
          --radius: 12px; --shadow: 0 1px 2px rgba(16, 24, 40, .05);
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { color: var(--accent-ink); text-decoration: underline; }
        h1, h2, h3 { color: var(--ink); margin: 0; line-height: 1.25; }
        h1 { font-size: 24px; font-weight: 650; }
        h2 { font-size: 15px; font-weight: 650; }
        h3 { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; margin-bottom: 10px; }
        code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
        .muted { color: var(--muted); }
        .small { font-size: 12.5px; }
        .strong { font-weight: 600; color: var(--ink); }
        .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .icon { width: 16px; height: 16px; flex: none; }
        [hidden] { display: none !important; }

        .app { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: 100vh;
               background: linear-gradient(90deg, var(--panel) 239px, var(--line) 239px, var(--line) 240px, transparent 240px); }
        .sidebar { background: var(--panel); border-right: 1px solid var(--line); display: flex; flex-direction: column; padding: 18px 14px; position: sticky; top: 0; height: 100vh; }
        .brand { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 16px; color: var(--ink); padding: 4px 10px 22px; }
        .brand:hover { text-decoration: none; color: var(--ink); }
        .logo { width: 26px; height: 26px; border-radius: 8px; background: linear-gradient(135deg, #1f4fd8, #6d8cff); position: relative; flex: none; }
        .logo::after { content: ""; position: absolute; inset: 8px; border-radius: 50%; background: #fff; }
        .nav { display: flex; flex-direction: column; gap: 2px; }
        .nav-item { display: flex; align-items: center; gap: 10px; padding: 8px 10px; border-radius: 8px; color: var(--text); font-weight: 500; }
        .nav-item:hover { background: var(--soft); color: var(--ink); text-decoration: none; }
        .nav-item.on { background: var(--accent-soft); color: var(--accent); }
        .nav-item.secondary { margin-top: 14px; color: var(--muted); }
        .count { margin-left: auto; min-width: 22px; padding: 0 7px; border-radius: 11px; background: var(--amber-soft); color: var(--amber); font-size: 12px; font-weight: 600; text-align: center; line-height: 20px; }
        .count.zero { background: var(--grey-soft); color: var(--muted); }
        .account { margin-top: auto; display: flex; gap: 10px; align-items: center; padding: 12px 10px 4px; border-top: 1px solid var(--line); }
        .avatar { width: 32px; height: 32px; border-radius: 50%; background: var(--accent-soft); color: var(--accent); display: grid; place-items: center; font-weight: 700; flex: none; }
        .account-text { display: flex; flex-direction: column; min-width: 0; }
        .account-text strong { color: var(--ink); font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .account-text span { color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }

        .main { min-width: 0; display: flex; flex-direction: column; }
        .topbar { height: 56px; display: flex; align-items: center; justify-content: flex-end; gap: 16px; padding: 0 32px; background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 5; }
        .topbar form { margin: 0; }
        .topbar-account { font-weight: 600; color: var(--ink); }
        .live-state { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); font-size: 12px; margin-right: auto; }
        .live-state .dot { width: 8px; height: 8px; border-radius: 50%; background: #c1c7d0; }
        body[data-live="on"] .live-state .dot { background: #1aae5b; box-shadow: 0 0 0 3px rgba(26, 174, 91, .18); }
        .content { padding: 28px 32px 48px; width: 100%; max-width: 1240px; }
        .page-head { display: flex; align-items: center; justify-content: space-between; gap: 16px; margin-bottom: 18px; flex-wrap: wrap; }
        .page-actions { display: flex; align-items: center; gap: 12px; }
        .page-actions form { margin: 0; }
        .lead { margin: -4px 0 18px; color: var(--muted); }
        .crumbs { display: flex; gap: 8px; color: var(--muted); margin: -6px 0 6px; font-size: 13px; min-width: 0; }
        .crumbs span:last-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }

        .stats { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 20px; }
        .stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 16px; box-shadow: var(--shadow); display: flex; flex-direction: column; gap: 2px; }
        .stat span { color: var(--muted); font-size: 12.5px; }
        .stat strong { color: var(--ink); font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .stat.primary strong { color: var(--accent); }

        .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); margin-bottom: 20px; }
        .card-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 14px 18px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
        .card > .fields, .card > .usage, .card > .big-usage, .card > .timeline { padding-left: 18px; padding-right: 18px; }
        .grid.two { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 20px; align-items: start; }
        .grid.two > .card, .grid.two > div > .card { margin-bottom: 20px; }
        .sub { color: var(--muted); font-size: 12.5px; margin-top: 2px; }

        .tabs { display: flex; gap: 4px; flex-wrap: wrap; }
        .tabs a { padding: 5px 10px; border-radius: 7px; color: var(--muted); font-weight: 500; font-size: 13px; }
        .tabs a:hover { background: var(--soft); color: var(--ink); text-decoration: none; }
        .tabs a.on { background: var(--ink); color: #fff; }

        .table-wrap { overflow-x: auto; }
        .table { width: 100%; border-collapse: collapse; }
        .table th { text-align: left; font-size: 11.5px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); padding: 10px 14px; background: #fafbfd; border-bottom: 1px solid var(--line); white-space: nowrap; }
        .table td { padding: 12px 14px; border-bottom: 1px solid var(--line); vertical-align: middle; }
        .table th:first-child, .table td:first-child { padding-left: 18px; }
        .table th:last-child, .table td:last-child { padding-right: 18px; }
        .table tbody tr:last-child td { border-bottom: 0; }
        .table tbody tr:hover { background: #fafbff; }
        .table td.actions { text-align: right; white-space: nowrap; }
        .table time { white-space: nowrap; }
        .usage-cell { min-width: 150px; width: 20%; }
        .id { color: var(--muted); }

        .usage { display: flex; flex-direction: column; gap: 6px; }
        .usage-text { font-size: 12.5px; color: var(--muted); font-variant-numeric: tabular-nums; }
        .usage-text strong { color: var(--ink); }
        progress { -webkit-appearance: none; appearance: none; width: 100%; height: 6px; border: 0; border-radius: 3px; background: var(--soft); overflow: hidden; }
        progress::-webkit-progress-bar { background: var(--soft); border-radius: 3px; }
        progress::-webkit-progress-value { background: var(--accent); border-radius: 3px; }
        progress::-moz-progress-bar { background: var(--accent); border-radius: 3px; }
        .big-usage { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; padding-top: 18px; padding-bottom: 14px; }
        .big-usage div { display: flex; flex-direction: column; }
        .big-usage strong { font-size: 28px; font-weight: 650; color: var(--ink); font-variant-numeric: tabular-nums; line-height: 1.15; }
        .big-usage span { color: var(--muted); font-size: 12.5px; }
        #usage-card .usage { padding-bottom: 16px; }
        .card-note { margin: 0; padding: 12px 18px 14px; border-top: 1px solid var(--soft); color: var(--muted); font-size: 12.5px; }

        .badge { display: inline-flex; align-items: center; gap: 6px; padding: 2px 9px 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .badge::before { content: ""; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }
        .badge.green { background: var(--green-soft); color: var(--green); }
        .badge.amber { background: var(--amber-soft); color: var(--amber); }
        .badge.red { background: var(--red-soft); color: var(--red); }
        .badge.blue { background: var(--blue-soft); color: var(--blue); }
        .badge.grey { background: var(--grey-soft); color: var(--grey); }

        .btn { display: inline-flex; align-items: center; justify-content: center; gap: 6px; height: 34px; padding: 0 12px; border-radius: 8px; border: 1px solid var(--line); background: var(--panel); color: var(--ink); font: inherit; font-weight: 550; cursor: pointer; box-shadow: var(--shadow); white-space: nowrap; }
        .btn:hover { background: var(--soft); text-decoration: none; color: var(--ink); }
        .btn:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 3px solid rgba(31, 79, 216, .3); outline-offset: 1px; }
        .btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        .btn.primary:hover { background: var(--accent-ink); }
        .btn.danger { color: var(--red); }
        .btn.danger:hover { background: var(--red-soft); }
        .btn.success { background: var(--green); border-color: var(--green); color: #fff; }
        .btn.success:hover { background: #0b6236; }
        .btn.ghost { box-shadow: none; }
        .btn.small { height: 28px; padding: 0 10px; font-size: 12.5px; }
        .btn.wide { width: 100%; height: 40px; }
        .btn.copied { color: var(--green); border-color: #b7e4c7; }

        .form { display: flex; flex-direction: column; gap: 14px; }
        .form-grid { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px 16px; }
        .form-row { display: flex; flex-direction: column; gap: 6px; min-width: 0; }
        .form-row.span-2 { grid-column: span 2; }
        .form-row.grow { flex: 1; }
        label { font-weight: 600; color: var(--ink); font-size: 13px; }
        label .muted { font-weight: 400; }
        input, select, textarea { font: inherit; color: var(--ink); background: var(--panel); border: 1px solid #d5dbe3; border-radius: 8px; padding: 7px 10px; min-height: 36px; width: 100%; }
        textarea { resize: vertical; line-height: 1.45; }
        input[readonly], textarea[readonly] { background: #fafbfd; }
        .invalid input, .invalid select { border-color: var(--red); }
        .field-error { color: var(--red); margin: 0; font-size: 12.5px; }
        .form-actions { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
        .form-actions p { margin: 0; }
        .create > summary { list-style: none; display: flex; align-items: center; gap: 10px; padding: 14px 18px; cursor: pointer; font-weight: 650; color: var(--ink); }
        .create > summary::-webkit-details-marker { display: none; }
        .create > summary .icon { color: #fff; background: var(--accent); border-radius: 6px; padding: 2px; width: 20px; height: 20px; }
        .create > summary .muted { font-weight: 400; margin-left: auto; }
        .create[open] > summary { border-bottom: 1px solid var(--line); }
        .create-form { padding: 18px; }

        .copy { display: flex; gap: 8px; }
        .copy input { flex: 1; }
        .share-grid { display: grid; grid-template-columns: 200px minmax(0, 1fr); gap: 24px; padding: 18px; }
        .qr { display: flex; flex-direction: column; align-items: center; gap: 10px; }
        .qr img { width: 176px; height: 176px; border: 1px solid var(--line); border-radius: 10px; image-rendering: pixelated; background: #fff; }
        .share-fields { display: flex; flex-direction: column; gap: 16px; min-width: 0; }
        .share-fields textarea { font-size: 12px; }
        .share-fields .form-row > div { display: flex; justify-content: flex-end; }

        .fields { margin: 0; padding-top: 8px; padding-bottom: 8px; }
        .field { display: grid; grid-template-columns: 140px minmax(0, 1fr); gap: 12px; padding: 9px 0; border-bottom: 1px solid var(--soft); }
        .field:last-child { border-bottom: 0; }
        .field dt { color: var(--muted); }
        .field dd { margin: 0; color: var(--ink); overflow-wrap: anywhere; }

        .timeline { list-style: none; margin: 0; padding-top: 14px; padding-bottom: 14px; }
        .timeline li { display: flex; justify-content: space-between; gap: 12px; padding: 7px 0 7px 22px; position: relative; }
        .timeline li::before { content: ""; position: absolute; left: 2px; top: 13px; width: 9px; height: 9px; border-radius: 50%; background: var(--accent); }
        .timeline li.todo::before { background: #fff; border: 2px solid #c9d0db; width: 5px; height: 5px; }
        .timeline li.todo span:first-child { color: var(--muted); }

        .review-card .card-head h2 { font-size: 14px; }
        .review-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); gap: 24px; padding: 18px; }
        .checks { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
        .checks li { display: flex; gap: 10px; align-items: flex-start; }
        .checks li .icon { margin-top: 2px; width: 18px; height: 18px; padding: 2px; border-radius: 50%; }
        .checks li.pass .icon { color: var(--green); background: var(--green-soft); }
        .checks li.fail .icon { color: var(--red); background: var(--red-soft); }
        .checks li div { display: flex; flex-direction: column; }
        .checks li strong { color: var(--ink); font-weight: 600; }
        .checks li span { color: var(--muted); font-size: 12.5px; }
        .images { display: flex; gap: 12px; flex-wrap: wrap; }
        .images figure { margin: 0; width: 150px; }
        .images img { width: 150px; height: 108px; object-fit: cover; border-radius: 8px; border: 1px solid var(--line); background: var(--soft); display: block; }
        .images figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
        .review-form { display: flex; gap: 12px; align-items: flex-end; padding: 14px 18px; border-top: 1px solid var(--line); background: #fafbfd; border-radius: 0 0 var(--radius) var(--radius); margin: 0; }
        .review-buttons { display: flex; gap: 8px; }

        .notice { display: flex; align-items: center; gap: 10px; padding: 10px 14px; border-radius: 10px; margin-bottom: 16px; font-weight: 500; }
        .notice.success { background: var(--green-soft); color: var(--green); }
        .notice.error { background: var(--red-soft); color: var(--red); }
        .empty { text-align: center; padding: 44px 20px; }
        .empty-icon { width: 44px; height: 44px; margin: 0 auto 12px; border-radius: 12px; background: var(--accent-soft); color: var(--accent); display: grid; place-items: center; }
        .empty-icon .icon { width: 22px; height: 22px; }
        .empty h3 { text-transform: none; letter-spacing: 0; font-size: 15px; color: var(--ink); margin-bottom: 4px; }
        .empty p { margin: 0 auto; max-width: 420px; color: var(--muted); }
        .pager { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 18px; border-top: 1px solid var(--line); }

        .signin-page { display: grid; place-items: center; min-height: 100vh; padding: 24px 16px; background: radial-gradient(1200px 500px at 50% -10%, #e4ebff, var(--bg)); }
        .signin { width: 100%; max-width: 400px; display: flex; flex-direction: column; align-items: center; gap: 16px; }
        .signin .brand { padding: 0; font-size: 18px; }
        .signin-card { width: 100%; padding: 28px; margin: 0; box-shadow: 0 10px 30px rgba(16, 24, 40, .08); }
        .signin-card h1 { font-size: 20px; margin-bottom: 6px; }
        .signin-card > p { margin: 0 0 18px; }
        .signin-card .notice { margin-bottom: 16px; }
        .signin > p { text-align: center; margin: 0; }

        @media (max-width: 1000px) {
          .form-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
          .grid.two, .review-body { grid-template-columns: minmax(0, 1fr); gap: 0; }
          .review-body { gap: 20px; }
        }
        @media (max-width: 760px) {
          body { font-size: 14px; }
          .app { grid-template-columns: minmax(0, 1fr); background: none; }
          .sidebar { position: static; height: auto; flex-direction: row; flex-wrap: wrap; align-items: center; padding: 10px 12px 0; border-right: 0; border-bottom: 1px solid var(--line); }
          .brand { padding: 4px 6px 10px; }
          .nav { flex-direction: row; width: 100%; overflow-x: auto; gap: 4px; padding-bottom: 8px; }
          .nav-item { padding: 7px 10px; white-space: nowrap; }
          .nav-item.secondary { display: none; }
          .count { margin-left: 4px; }
          .account { display: none; }
          .topbar { position: absolute; top: 0; right: 0; height: 52px; padding: 0 10px; background: transparent; border: 0; gap: 8px; }
          .live-state { margin-right: 0; }
          .topbar-account { display: none; }
          .content { padding: 18px 14px 40px; }
          h1 { font-size: 20px; }
          .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
          .stat { padding: 10px 12px; }
          .stat strong { font-size: 18px; }
          .form-grid { grid-template-columns: minmax(0, 1fr); }
          .form-row.span-2 { grid-column: auto; }
          .create > summary .muted { display: none; }
          .card-head { padding: 12px 14px; }
          .table-wrap { overflow: visible; }
          .table thead { display: none; }
          .table, .table tbody, .table tr, .table td { display: block; width: 100%; }
          .table tr { padding: 10px 14px; border-bottom: 1px solid var(--line); }
          .table tbody tr:last-child { border-bottom: 0; }
          .table td, .table td:first-child, .table td:last-child { border: 0; padding: 4px 0; display: flex; justify-content: space-between; align-items: center; gap: 12px; text-align: right; }
          .table td::before { content: attr(data-label); color: var(--muted); font-size: 12.5px; text-align: left; flex: none; }
          .table td:first-child { display: block; text-align: left; padding-bottom: 6px; }
          .table td:first-child::before { display: none; }
          .table td.actions { justify-content: flex-end; }
          .table td.actions::before { display: none; }
          .usage-cell { min-width: 0; }
          .usage-cell .usage { width: 60%; align-items: flex-end; }
          .share-grid { grid-template-columns: minmax(0, 1fr); padding: 14px; }
          .field { grid-template-columns: 110px minmax(0, 1fr); }
          .review-form { flex-direction: column; align-items: stretch; }
          .review-buttons .btn { flex: 1; }
          .big-usage strong { font-size: 22px; }
        }
        """;
}
