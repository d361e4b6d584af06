using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>Collects every event written to the static Serilog logger (installed once per test run), rendered with its exception.</summary>
public sealed class LogCapture : ILogEventSink
{
    private static readonly Lazy<LogCapture> Instance = new(() =>
    {
        var sink = new LogCapture();
        Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        return sink;
    });

    private readonly ConcurrentQueue<string> _events = new();

    public static LogCapture Install() => Instance.Value;

    /// <summary>Each event as its rendered message, its properties and its exception text.</summary>
    public IReadOnlyCollection<string> Events => _events;

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(' ', logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _events.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} | {properties} | {logEvent.Exception}");
    }
}
