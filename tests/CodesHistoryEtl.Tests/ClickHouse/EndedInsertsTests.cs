using CodesHistoryEtl.ClickHouse;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class EndedInsertsTests
{
    [Fact]
    public void An_insert_is_listed_until_its_request_ends_whatever_the_answer()
    {
        var ended = new EndedInserts();
        var answered = new TaskCompletionSource<HttpResponseMessage>();
        var failed = new TaskCompletionSource<HttpResponseMessage>();

        ended.Track("etl-insert-a", answered.Task);
        ended.Track("etl-insert-b", failed.Task);
        Assert.Equal(["etl-insert-a", "etl-insert-b"], ended.QueryIds.Order());

        answered.SetResult(new HttpResponseMessage());
        failed.SetException(new HttpRequestException("connection reset"));
        Assert.Empty(ended.QueryIds);
    }
}
