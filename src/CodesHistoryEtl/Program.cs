using CodesHistoryEtl.Cli;

return await EtlRootCommand.Build().Parse(args).InvokeAsync();
