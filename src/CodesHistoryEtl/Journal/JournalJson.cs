using System.Text.Json.Serialization;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// The JSON the journal writes into <c>details</c>: the run's arguments and the heartbeat's progress, serialized by
/// generated code (the published binary is native AOT: no reflection at run time).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(HeartbeatProgress))]
internal sealed partial class JournalJson : JsonSerializerContext;

/// <summary>A heartbeat's <c>details.progress</c>: the window being read and the run's counts so far.</summary>
internal sealed record HeartbeatProgress(string? Window, int WindowsDone, long RowsRead, long RowsWritten, long RowsRejected, double RowsPerSec);
