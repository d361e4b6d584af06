namespace PhoenixSim;

internal enum SimFrameFault
{
    None,
    Fail,
    Expire,
}
