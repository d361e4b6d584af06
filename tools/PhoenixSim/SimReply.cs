namespace PhoenixSim;

/// <summary>One HTTP answer of the simulator; <paramref name="IsFrame"/> marks replies that carry a frame (latency applies).</summary>
public readonly record struct SimReply(int Status, byte[] Body, bool IsFrame);
