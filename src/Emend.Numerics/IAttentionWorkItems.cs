namespace Emend.Numerics;

/// <summary>An attention pass cut into independent items that may run on any thread in any order.</summary>
internal interface IAttentionWorkItems
{
    int ItemCount { get; }

    /// <summary>Multiply-adds of the whole pass, to decide whether threads pay for themselves.</summary>
    long Work { get; }

    void Run(int item);
}
