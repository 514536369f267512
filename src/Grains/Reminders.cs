namespace MagicLink.Grains;

public static class Reminders
{
    /// <summary>Unregisters a grain's reminder if it has one by that name.</summary>
    public static async Task Forget(this Grain grain, string reminderName)
    {
        if (await grain.GetReminder(reminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
