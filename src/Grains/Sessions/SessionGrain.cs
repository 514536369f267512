using MagicLink.Grains.Access;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace MagicLink.Grains.Sessions;

/// <summary>
/// The lifecycle of one verification session and the credit it holds: charged when it ends
/// approved or denied, released when it expires, never both (the account grain settles a session
/// id once, whatever the order of retries).
/// </summary>
public sealed class SessionGrain(
    [PersistentState("session", Storage.Name)] IPersistentState<SessionState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    UploadStore uploads,
    AtRestCipher cipher,
    Publisher publisher,
    SessionTable table,
    ExpiryBuckets expiry,
    SessionSettings settings,
    ILogger<SessionGrain> log) : Grain, ISessionGrain, IRemindable
{
    /// <summary>Below this the automated quality check flags an image as blurred.</summary>
    public const double MinSharpness = 25;

    private const string PublishReminder = "publish";
    private SessionStatus? _publishedStatus;

    /// <summary>Built from the row its click wrote; the grain state is written on the first change.</summary>
    private bool _fromRow;

    /// <summary>Retries settling and publishing while the database is away; null when nothing is owed.</summary>
    private IGrainTimer? _catchingUp;
    private bool _reminded;

    private string Id => this.GetPrimaryKeyString();

    private NewSession Spec => state.State.Spec ?? throw new InvalidOperationException($"Session {Id} does not exist.");

    private bool Known => state.RecordExists || _fromRow;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists && await table.ReadAsync(Id) is { } row)
        {
            // A stale duplicate built from the same row loses its first write on the ETag: the
            // other activation's insert came first.
            state.State = row.State;
            state.State.Status = row.Status;
            _fromRow = true;
            _publishedStatus = row.Status;
        }
        else if (state.RecordExists)
        {
            // Finishing a settlement a crash interrupted calls the account; doing it in a turn of
            // its own keeps activation free of grain calls, so a grain waiting on us can't deadlock.
            this.RegisterGrainTimer(_ => CatchUp(), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    public async Task<OpenSessionResult> OpenDynamic(NewSession session)
    {
        if (Known)
        {
            return new OpenSessionResult(Info(), NoCredit: false, Conflict: Spec != session);
        }

        // Reserved before the session exists; if we die in between, the account's orphan sweep
        // finds no session with this id and gives the credit back.
        if (!await grains.GetGrain<IAccountGrain>(session.AccountId).Reserve(Id))
        {
            return new OpenSessionResult(null, NoCredit: true, Conflict: false);
        }

        try
        {
            state.State = SessionState.Opened(session, time.GetUtcNow(), session.Lifetime ?? settings.DefaultLifetime);
            Raise("session.created");
            await expiry.ArmAsync(state.State.ExpiresAt);
            await Save();
            await CatchUp();
            return new OpenSessionResult(Info(), NoCredit: false, Conflict: false);
        }
        catch
        {
            DeactivateOnIdle();
            await grains.GetGrain<IAccountGrain>(session.AccountId).Release(Id);
            throw;
        }
    }

    public Task<bool> Exists() => Task.FromResult(Known);

    public async Task<SessionInfo?> Get()
    {
        if (!Known)
        {
            return null;
        }

        await ExpireIfDue();
        return Info();
    }

    public async Task<SessionInfo?> Start()
    {
        if (!Known)
        {
            return null;
        }

        await ExpireIfDue();
        if (state.State.Status == SessionStatus.Pending)
        {
            await MarkStarted();
        }

        return Info();
    }

    public async Task<StepResult> Upload(UploadKind kind, byte[] image)
    {
        var check = await Check(kind);
        if (check.Outcome != StepOutcome.Ok)
        {
            return check;
        }

        var (inspected, problem) = ImageInspector.Inspect(image);
        if (problem is not null)
        {
            return check with { Outcome = StepOutcome.InvalidImage, Problem = problem };
        }

        // This activation is the session's only writer: stored, recorded, then the replaced image
        // removed, with no other upload of the session in between.
        var uploadId = UploadStore.NewId();
        await uploads.InsertAsync(new StoredUpload(uploadId, Id, Spec.AccountId, kind, inspected!.ContentType, inspected,
            cipher.Seal(image, UploadStore.AssociatedData(uploadId, Id, kind))));
        state.State.Uploads[kind] = new UploadRecord(kind, uploadId, inspected.Sha256, inspected.Width, inspected.Height, inspected.Sharpness);

        // A failed write may still have landed, so the new row stays either way; whichever row the
        // session ends up naming, the next upload of this kind removes the others.
        if (state.State.Status == SessionStatus.Pending)
        {
            // An API client may upload without ever opening the page: uploading is starting.
            await MarkStarted();
        }
        else
        {
            await Save();
        }

        await uploads.DeleteReplacedAsync(Id, kind, uploadId);
        return Result(StepOutcome.Ok);
    }

    public async Task<SessionImage?> Image(UploadKind kind)
    {
        if (!Known || !state.State.Uploads.TryGetValue(kind, out var recorded) || await uploads.FindAsync(recorded.UploadId) is not { } stored)
        {
            return null;
        }

        return cipher.Open(stored.Sealed, UploadStore.AssociatedData(recorded.UploadId, Id, kind)) is { } plain
            ? new SessionImage(stored.ContentType, plain)
            : throw new InvalidOperationException(
                $"Image {recorded.UploadId} was encrypted under key {stored.Sealed.KeyId}, which this silo does not hold. " +
                $"Give every silo the same {AtRestCipher.KeyVariable}.");
    }

    public async Task<StepResult> Submit()
    {
        var check = await Check(kind: null);
        if (check.Outcome != StepOutcome.Ok)
        {
            return check;
        }

        var missing = Flows.Steps(Spec.Flow).Where(k => !state.State.Uploads.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            return new StepResult(StepOutcome.MissingSteps, Info(), missing);
        }

        state.State.Checks = await RunChecks();
        state.State.Status = SessionStatus.Submitted;
        state.State.StartedAt ??= time.GetUtcNow();
        state.State.SubmittedAt = time.GetUtcNow();
        Raise("session.submitted");
        await Save();
        await CatchUp();
        return Result(StepOutcome.Ok);
    }

    public async Task<StepResult> Review(Decision decision, string? reason)
    {
        if (!Known)
        {
            return Result(StepOutcome.NotFound);
        }

        await ExpireIfDue();
        if (state.State.Status != SessionStatus.Submitted)
        {
            return Result(StepOutcome.WrongStatus);
        }

        state.State.Decision = decision;
        state.State.Reason = reason;
        state.State.Status = decision == Decision.Approved ? SessionStatus.Approved : SessionStatus.Denied;
        state.State.CompletedAt = time.GetUtcNow();
        Raise(decision == Decision.Approved ? "session.approved" : "session.denied");
        await Save();
        await CatchUp();
        return Result(StepOutcome.Ok);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Known)
        {
            await this.Forget(reminderName);
            return;
        }

        await ExpireIfDue();
        await CatchUp();
        // Once submitted, time no longer ends the session: only a review does.
        var done = state.State.Status is not (SessionStatus.Pending or SessionStatus.InProgress);
        if (_catchingUp is null && (reminderName == PublishReminder || done))
        {
            await this.Forget(reminderName);
        }
    }

    /// <summary>Whether the flow may take an image of <paramref name="kind"/> now (or, without one, be submitted).</summary>
    private async Task<StepResult> Check(UploadKind? kind)
    {
        if (!Known)
        {
            return Result(StepOutcome.NotFound);
        }

        await ExpireIfDue();
        if (state.State.Status == SessionStatus.Expired)
        {
            return Result(StepOutcome.Expired);
        }

        if (state.State.Status is not (SessionStatus.Pending or SessionStatus.InProgress))
        {
            return Result(StepOutcome.WrongStatus);
        }

        return kind is { } k && !Flows.Steps(Spec.Flow).Contains(k) ? Result(StepOutcome.WrongKind) : Result(StepOutcome.Ok);
    }

    private async Task<List<CheckResult>> RunChecks()
    {
        var checks = new List<CheckResult>();
        var blurred = state.State.Uploads.Values.Where(u => u.Sharpness < MinSharpness).Select(u => Wire.Name(u.Kind)).ToList();
        var small = state.State.Uploads.Values.Where(u => u.Width * u.Height < ImageLimits.MinLongSide * ImageLimits.MinShortSide).Select(u => Wire.Name(u.Kind)).ToList();
        checks.Add(new CheckResult("image_quality", blurred.Count == 0 && small.Count == 0,
            blurred.Count == 0 && small.Count == 0
                ? "Every image is sharp and at least 640×480."
                : string.Join(" ", new[]
                {
                    blurred.Count > 0 ? $"Blurred: {string.Join(", ", blurred)}." : "",
                    small.Count > 0 ? $"Too small: {string.Join(", ", small)}." : "",
                }.Where(t => t.Length > 0))));

        var reused = new List<string>();
        foreach (var upload in state.State.Uploads.Values)
        {
            if (await uploads.OtherSessionWithAsync(Spec.AccountId, Id, upload.Sha256) is { } other)
            {
                reused.Add($"{Wire.Name(upload.Kind)} (also in {other})");
            }
        }

        checks.Add(new CheckResult("duplicate_image", reused.Count == 0,
            reused.Count == 0 ? "No image was used in another session of this account." : "Reused: " + string.Join(", ", reused) + "."));

        if (Flows.Steps(Spec.Flow).Contains(UploadKind.Selfie))
        {
            var present = state.State.Uploads.ContainsKey(UploadKind.Selfie);
            checks.Add(new CheckResult("selfie_present", present, present ? "A selfie was taken." : "The flow asks for a selfie and none was taken."));
        }

        return checks;
    }

    // Expiry is enforced on every access too: the reminder fires at most once a minute and may be late.
    private async Task ExpireIfDue()
    {
        if (state.State.Status is SessionStatus.Pending or SessionStatus.InProgress && time.GetUtcNow() >= state.State.ExpiresAt)
        {
            state.State.Status = SessionStatus.Expired;
            state.State.CompletedAt = time.GetUtcNow();
            Raise("session.expired");
            await Save();
            await CatchUp();
        }
    }

    private async Task MarkStarted()
    {
        state.State.Status = SessionStatus.InProgress;
        state.State.StartedAt = time.GetUtcNow();
        Raise("session.started");
        await Save();
        await CatchUp();
    }

    /// <summary>
    /// Brings the account in line with the session's outcome. The status is written first and the
    /// credit settled after, so a crash in between is finished by the next activation or reminder;
    /// the account ignores a second settlement of the same session.
    /// </summary>
    private async Task SettleCredit()
    {
        var settled = Settled(state.State.Status);
        if (settled == CreditState.Reserved || state.State.Credit != CreditState.Reserved)
        {
            return;
        }

        var account = grains.GetGrain<IAccountGrain>(Spec.AccountId);
        _ = settled == CreditState.Charged ? await account.Charge(Id) : await account.Release(Id);
        state.State.Credit = settled;
        await Save();
    }

    /// <summary>
    /// Writes the state. A failed write may still have landed (the answer was lost): this
    /// activation's copy is then of unknown truth, so it goes, and the next call reads what storage
    /// holds and finishes whatever that still owes (<see cref="CatchUp"/> at activation).
    /// </summary>
    private async Task Save()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    // An event shows the session as the API answers the call that raised it: a decision or an
    // expiry with its credit settled, which happens right after the state write that carries the event.
    private void Raise(string type) =>
        state.State.Outbox.Add(PendingEvent.Raise(type, Spec.AccountId, Id, time.GetUtcNow(), Info() with { Credit = Settled(state.State.Status) }));

    private static CreditState Settled(SessionStatus status) => status switch
    {
        SessionStatus.Approved or SessionStatus.Denied => CreditState.Charged,
        SessionStatus.Expired => CreditState.Released,
        _ => CreditState.Reserved,
    };

    private async Task<bool> Publish()
    {
        if (state.State.Outbox.Count == 0 && _publishedStatus == state.State.Status)
        {
            return true;
        }

        var row = new SessionRow(Id, Spec.AccountId, Spec.LinkId, state.State.CreatedAt, Wire.Name(state.State.Status), Wire.Name(Spec.Flow), Spec.Language, state.State.ExpiresAt,
            state.State.SubmittedAt);
        if (await publisher.TryPublishAsync(row, state.State.Outbox))
        {
            _publishedStatus = state.State.Status;
            return true;
        }

        return false;
    }

    /// <summary>
    /// What follows a state write: settle the credit, publish the listing row and the events. The
    /// write already made the change real, so the call that made it succeeds whatever happens
    /// here; while the database is away this is retried every few seconds (and, once it can be
    /// written, by a reminder that outlives this activation), until nothing is owed.
    /// </summary>
    private async Task CatchUp()
    {
        try
        {
            await SettleCredit();
            if (await Publish())
            {
                _catchingUp?.Dispose();
                _catchingUp = null;
                return;
            }
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            log.LogWarning(e, "Session {Id} could not settle or publish yet; retrying", Id);
        }

        _catchingUp ??= this.RegisterGrainTimer(async cancellation =>
        {
            if (!_reminded)
            {
                try
                {
                    await this.RegisterOrUpdateReminder(PublishReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellation);
                    _reminded = true;
                }
                catch (Exception e)
                {
                    log.LogDebug(e, "Session {Id} cannot write its reminder yet", Id);
                }
            }

            await CatchUp();
        }, new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)) { KeepAlive = true });
    }

    private StepResult Result(StepOutcome outcome) => new(outcome, Known ? Info() : null, []);

    private SessionInfo Info() => Describe(Id, state.State);

    /// <summary>The session as the API shows it; also what a click's <c>session.created</c> event carries.</summary>
    public static SessionInfo Describe(string id, SessionState session)
    {
        var spec = session.Spec ?? throw new InvalidOperationException($"Session {id} does not exist.");
        return new(
            id, spec.AccountId, spec.LinkId, spec.ClientRef, spec.Flow, spec.Language, session.Status, session.Decision,
            session.Reason, session.CreatedAt, session.StartedAt, session.SubmittedAt, session.CompletedAt,
            session.ExpiresAt, session.Credit, spec.SuccessUrl, spec.ErrorUrl,
            Flows.Steps(spec.Flow).Where(session.Uploads.ContainsKey).ToList(), session.Checks);
    }
}

[GenerateSerializer]
public sealed record SessionState
{
    [Id(0)] public NewSession? Spec { get; set; }
    [Id(1)] public SessionStatus Status { get; set; } = SessionStatus.Pending;
    [Id(2)] public Decision? Decision { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(7)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(8)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(9)] public CreditState Credit { get; set; } = CreditState.Reserved;

    /// <summary>Events not yet in the outbox table.</summary>
    [Id(10)] public List<PendingEvent> Outbox { get; set; } = [];
    [Id(11)] public Dictionary<UploadKind, UploadRecord> Uploads { get; set; } = [];
    [Id(12)] public List<CheckResult> Checks { get; set; } = [];

    /// <summary>A session as it opens: pending, its credit reserved.</summary>
    public static SessionState Opened(NewSession spec, DateTimeOffset at, TimeSpan lifetime) =>
        new() { Spec = spec, CreatedAt = at, ExpiresAt = at + lifetime };
}
