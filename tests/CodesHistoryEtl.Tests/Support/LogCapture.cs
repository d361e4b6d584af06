using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Points the static Serilog logger at a collecting sink for one test and collects every event, rendered with
/// its properties and exception. Tests using it belong to <see cref="LogCaptureCollection"/>, which runs alone,
/// so no other test replaces the static logger meanwhile.
/// </summary>
public sealed class LogCapture : ILogEventSink, IDisposable
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ILogger _previous;

    private LogCapture()
    {
        _previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
    }

    public IReadOnlyCollection<string> Events => _events;

    public static LogCapture Start() => new();

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(' ', logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _events.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} | {properties} | {logEvent.Exception}");
    }

    public void Dispose() => Log.Logger = _previous;
}
