using System.Runtime.CompilerServices;

// Locals and stackalloc buffers are not zeroed on entry: the row path's methods run 31 times a row, and every
// stackalloc here is written before it is read (md5's block is cleared on purpose). C# still requires each local
// to be assigned before use.
[module: SkipLocalsInit]
