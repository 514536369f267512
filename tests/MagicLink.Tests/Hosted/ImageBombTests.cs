using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Hosted;

/// <summary>Memory is measured for the whole process, so nothing else may run meanwhile.</summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>
/// CONTRACT, "Verification sessions": judging an upload never costs more than ~25 MB, whatever size
/// the image declares. Bombs are refused on their header or decoded downscaled.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class ImageBombTests
{
    private const long Budget = 25L * 1024 * 1024;

    [Fact]
    public async Task A_143_kb_png_declaring_7000_by_7000_is_refused_on_its_header_within_the_memory_budget()
    {
        var bomb = TestImages.PngBomb(7000, 7000);
        Assert.True(bomb.Length < 400_000, $"{bomb.Length} bytes");

        var (result, grown) = await MeasureAsync(() => ImageInspector.Inspect(bomb));

        Assert.True(grown < Budget, $"Judging it took {grown / 1024 / 1024} MB more memory.");
        Assert.Equal(UploadError.TooManyPixels, result.Error);
    }

    [Fact]
    public void A_png_that_fits_the_budget_decodes_and_passes()
    {
        var (image, error) = ImageInspector.Inspect(TestImages.PngBomb(3000, 2000));

        Assert.Null(error);
        Assert.Equal((3000, 2000), (image!.Width, image.Height));
    }

    [Fact]
    public void Images_that_can_only_be_decoded_whole_are_refused_by_their_declared_size_before_decoding()
    {
        Assert.Equal(UploadError.TooManyPixels, ImageInspector.Inspect(TestImages.PngBomb(4000, 3000, interlaced: true)).Error);
        Assert.Equal(UploadError.TooManyPixels, ImageInspector.Inspect(TestImages.ProgressiveJpegHeader(4000, 3000)).Error);
        Assert.Equal(UploadError.TooManyPixels, ImageInspector.Inspect(TestImages.PngBomb(8000, 8000)).Error);
    }

    [Fact]
    public void A_header_that_lies_about_its_own_length_is_unreadable_not_a_crash()
    {
        Assert.Equal(UploadError.Unreadable, ImageInspector.Inspect([0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x00, 0x08, 0x0B, 0xB8, 0x0F, 0xA0]).Error);
        Assert.Equal(UploadError.Unreadable, ImageInspector.Inspect([0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x08, 0x08, 0x0B, 0xB8, 0x0F, 0xA0, 0x09]).Error);
        Assert.Equal(UploadError.Unreadable, ImageInspector.Inspect([.. TestImages.PngBomb(800, 600)[..20]]).Error);
    }

    private static async Task<(T Result, long Grown)> MeasureAsync<T>(Func<T> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = ResidentBytes();
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentBytes());
                await Task.Delay(1);
            }
        });
        var result = await Task.Run(work);
        await stop.CancelAsync();
        await sampler;
        return (result, Math.Max(peak, ResidentBytes()) - baseline);
    }

    // Resident pages of this process (native decoder buffers included), from /proc/self/statm.
    private static long ResidentBytes() =>
        long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
}
