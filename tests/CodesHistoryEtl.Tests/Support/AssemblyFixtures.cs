using CodesHistoryEtl.Tests.Support;

// One probe of each server per test run, shared by every test class that asks for it in its constructor.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(ClickHouseFixture))]
