using CodesHistoryEtl.Csv;

namespace CodesHistoryEtl.Tests.Csv;

public sealed class CivilDateTests
{
    [Fact]
    public void Every_day_of_the_DateTime_range_has_the_calendar_date_the_runtime_gives()
    {
        // 1970-01-01 .. 2105-12-31: the range the transform lets through to the CSV
        var last = (long)(new DateTime(2105, 12, 31) - DateTime.UnixEpoch).TotalDays;
        for (var day = 0L; day <= last; day++)
        {
            var expected = DateTime.UnixEpoch.AddDays(day);
            Assert.Equal((expected.Year, expected.Month, expected.Day), CsvRowWriter.CivilDate(day));
        }
    }
}
