namespace PhoenixSim;

/// <summary>
/// Fault knobs, settable while the simulator runs. Frame counts are counted from the moment a knob is set;
/// a frame is the first frame of an Execute/PrepareAndExecute or one Fetch.
/// </summary>
public sealed class SimFaults
{
    private readonly Lock _lock = new();
    private int _http503;
    private int? _failCountdown;
    private int? _expireCountdown;

    /// <summary>Delay before every frame is sent (a slow region server).</summary>
    public TimeSpan FrameLatency { get; set; }

    /// <summary>How many 503 answers of the current burst are still to come.</summary>
    public int Http503Remaining
    {
        get
        {
            lock (_lock)
            {
                return _http503;
            }
        }
    }

    /// <summary>The next <paramref name="requests"/> POSTs answer HTTP 503 with a text body (a load balancer with no backend).</summary>
    public void Http503Burst(int requests)
    {
        lock (_lock)
        {
            _http503 = requests;
        }
    }

    /// <summary>Serves <paramref name="frames"/> more frames, then answers the next frame request with a SQL error (HTTP 500).</summary>
    public void FailAfterFrames(int frames)
    {
        lock (_lock)
        {
            _failCountdown = frames;
        }
    }

    /// <summary>Serves <paramref name="frames"/> more frames, then expires every connection and statement (as idle expiry or a PQS restart would).</summary>
    public void ExpireConnectionsAfterFrames(int frames)
    {
        lock (_lock)
        {
            _expireCountdown = frames;
        }
    }

    internal bool Take503()
    {
        lock (_lock)
        {
            if (_http503 <= 0)
            {
                return false;
            }

            _http503--;
            return true;
        }
    }

    /// <summary>What to do before serving a frame; counts the frame as served when nothing fires.</summary>
    internal SimFrameFault BeforeFrame()
    {
        lock (_lock)
        {
            if (_expireCountdown == 0)
            {
                _expireCountdown = null;
                return SimFrameFault.Expire;
            }

            if (_failCountdown == 0)
            {
                _failCountdown = null;
                return SimFrameFault.Fail;
            }

            _expireCountdown--;
            _failCountdown--;
            return SimFrameFault.None;
        }
    }
}
