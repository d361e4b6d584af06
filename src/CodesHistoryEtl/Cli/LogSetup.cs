using CodesHistoryEtl.Config;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace CodesHistoryEtl.Cli;

/// <summary>
/// The logger every command uses: LOG_LEVEL, LOG_FORMAT=text|json (one JSON object per line for
/// journald/Loki), optional LOG_FILE rotated daily. Logs go to stderr; stdout is for command output.
/// Every line carries the run id once a run has one (property Run, pushed by the run).
/// </summary>
public static class LogSetup
{
    private const string TextTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Run}{Message:lj}{NewLine}{Exception}";

    public static void Configure(LoggingSettings settings)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(settings.Level))
            .Enrich.FromLogContext();
        config = settings.Format == LogFormat.Json
            ? config.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: LogEventLevel.Verbose)
            : config.WriteTo.Console(outputTemplate: TextTemplate, standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (settings.File is { } file)
        {
            config = settings.Format == LogFormat.Json
                ? config.WriteTo.File(new JsonFormatter(renderMessage: true), file, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14)
                : config.WriteTo.File(file, outputTemplate: TextTemplate, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        Log.Logger = config.CreateLogger();
    }

    /// <summary>Before settings are read: text at Information, so a config error is still told.</summary>
    public static void ConfigureDefault() => Configure(new LoggingSettings("Information", LogFormat.Text, null));
}
