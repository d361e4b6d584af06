using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.Journal;

/// <summary>How often the heartbeat writes, and how long it may fail before the run is given up.</summary>
public sealed record HeartbeatTiming(TimeSpan Interval, TimeSpan Ttl)
{
    /// <summary>HEARTBEAT_SEC and HEARTBEAT_TTL_MIN.</summary>
    public static HeartbeatTiming From(JournalSettings settings) =>
        new(TimeSpan.FromSeconds(settings.HeartbeatSec), TimeSpan.FromMinutes(settings.HeartbeatTtlMin));
}
