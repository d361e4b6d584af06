using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Etl;

/// <summary>ETL_FAILPOINT is read once through the settings: unset means no fault point, a bad value names the variable.</summary>
public sealed class FailPointTests
{
    [Fact]
    public void Unset_is_no_fault_point_and_reaching_a_point_does_nothing()
    {
        var settings = EtlSettings.Load(new Dictionary<string, string>());

        Assert.Same(FailPoint.None, settings.FailPoint);
        settings.FailPoint.Reach("fetch"); // still alive
    }

    [Theory]
    [InlineData("fetch")]
    [InlineData("insert:3")]
    [InlineData("after-csv-rename:2")]
    public void A_known_point_with_an_optional_positive_count_is_armed(string value)
    {
        Assert.True(EtlSettings.Load(new Dictionary<string, string> { ["ETL_FAILPOINT"] = value }).FailPoint.IsArmed);
    }

    [Theory]
    [InlineData("fetsh")]
    [InlineData("csv:0")]
    [InlineData("csv:-1")]
    [InlineData("csv:x")]
    public void A_bad_value_is_a_config_error_naming_the_variable_and_the_points(string value)
    {
        var error = Assert.Throws<ConfigException>(() => EtlSettings.Load(new Dictionary<string, string> { ["ETL_FAILPOINT"] = value }));

        Assert.Contains("ETL_FAILPOINT", error.Message, StringComparison.Ordinal);
        Assert.Contains("after-csv-rename", error.Message, StringComparison.Ordinal);
    }
}
