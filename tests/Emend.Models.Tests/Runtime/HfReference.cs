using System.Runtime.InteropServices;
using Emend.Models.Checkpoints;
using Emend.Tests;

namespace Emend.Models.Tests.Runtime;

/// <summary>
/// One architecture's golden outputs from shared/reference/hf-tiny (HF transformers 4.38.2): the reference batch
/// [3, 12] right-padded with lengths 7, 12, 5, and arrays over its 24 real rows in (sequence, position) order.
/// </summary>
internal sealed class HfReference : IDisposable
{
    public static readonly int[] Lengths = [7, 12, 5];

    private readonly SafetensorsFile _file;

    public HfReference(string arch)
    {
        Directory = SharedData.Require(Path.Combine("reference", "hf-tiny", arch));
        _file = SafetensorsFile.Open(Path.Combine(Directory, "reference.safetensors"));
        var ids = Int64("input_ids");
        Sequences = Lengths.Select((n, s) => (IReadOnlyList<int>)ids.Skip(s * 12).Take(n).Select(x => (int)x).ToArray()).ToArray();
    }

    public string Directory { get; }

    public IReadOnlyList<IReadOnlyList<int>> Sequences { get; }

    public float[] Float(string name) => _file.GetTensor(name).ToFloatArray();

    public bool Has(string name) => _file.Contains(name);

    public long[] Int64(string name) => MemoryMarshal.Cast<byte, long>(_file.GetTensor(name).Bytes).ToArray();

    /// <summary>The (sequence, position) of each real row, in the reference's row order.</summary>
    public static IEnumerable<(int Sequence, int Position)> RealRows() =>
        Lengths.SelectMany((n, s) => Enumerable.Range(0, n).Select(p => (s, p)));

    public void Dispose() => _file.Dispose();
}
