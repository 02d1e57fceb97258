using System.IO.MemoryMappedFiles;
using Emend.Models.Architecture;
using Emend.Models.Runtime;
using Emend.Numerics;

namespace Emend.Models.Llama2c;

/// <summary>
/// Loads a llama2.c (<c>run.c</c>) float32 checkpoint as the same Llama spec an HF checkpoint gets: the file is
/// memory-mapped and its matrices are named with Llama's HF names, so edits, gradients and exports use one
/// vocabulary. llama2.c rotates interleaved pairs (2j, 2j+1) over the whole head, so the spec says
/// <see cref="RotaryLayout.Interleaved"/> instead of permuting q/k rows as HF's converter does.
/// </summary>
public static class Llama2cModel
{
    /// <summary>RMSNorm ε and RoPE θ are hard-coded in run.c.</summary>
    private const double NormEpsilon = 1e-5;
    private const double RopeTheta = 10000;

    /// <summary>True when <paramref name="path"/> is a file whose header and length are those of a llama2.c checkpoint.</summary>
    public static bool IsCheckpoint(string path)
    {
        if (!File.Exists(path)) return false;
        using var stream = File.OpenRead(path);
        Span<byte> bytes = stackalloc byte[Llama2cHeader.ByteLength];
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length) return false;
        return Llama2cHeader.TryParse(bytes) is { } header && header.FileLength == stream.Length;
    }

    /// <summary>The spec of a llama2.c model with this header.</summary>
    public static TransformerSpec Spec(Llama2cHeader header) => new()
    {
        ModelType = "llama",
        VocabSize = header.VocabSize,
        HiddenSize = header.Dim,
        LayerCount = header.Layers,
        HeadCount = header.Heads,
        KvHeadCount = header.KvHeads,
        HeadDim = header.HeadDim,
        IntermediateSize = header.HiddenDim,
        MaxPositions = header.SequenceLength,
        Norm = NormKind.RmsNorm,
        NormEpsilon = NormEpsilon,
        Activation = ActivationKind.Silu,
        Mlp = MlpKind.Gated,
        Position = PositionScheme.Rotary,
        Rotary = new RotarySpec(header.HeadDim, RotaryLayout.Interleaved, RopeTheta),
        Residual = ResidualKind.Sequential,
        Biases = new BiasSpec(false, false, false, false),
        TiedEmbeddings = header.SharedClassifier,
        QkvPacking = QkvPacking.Separate,
        WeightOrientation = WeightOrientation.OutputByInput,
        Names = TensorNameMap.Llama,
        BosTokenId = 1,
        EosTokenIds = [2],
        TorchDType = "float32",
    };

    /// <summary>Maps the file and binds it as a <see cref="Transformer"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a llama2.c checkpoint or its length disagrees with its header.</exception>
    public static unsafe Transformer Load(string path)
    {
        var mapping = MappedFile.Open(path);
        try
        {
            var header = Llama2cHeader.TryParse(new ReadOnlySpan<byte>(mapping.Pointer, (int)Math.Min(mapping.Length, Llama2cHeader.ByteLength)))
                ?? throw new InvalidDataException($"{path}: not a llama2.c checkpoint (implausible header)");
            if (header.FileLength != mapping.Length)
                throw new InvalidDataException($"{path}: the header describes {header.FileLength} bytes but the file has {mapping.Length}");
            var tensors = Layout(header, (float*)(mapping.Pointer + Llama2cHeader.ByteLength));
            return TransformerBinder.Bind(Spec(header), name => tensors.TryGetValue(name, out var view) ? view : null, mapping, path);
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>HF names of the matrices in run.c's order (w1 = gate, w2 = down, w3 = up).</summary>
    private static unsafe Dictionary<string, MatrixView> Layout(Llama2cHeader h, float* data)
    {
        var names = TensorNameMap.Llama;
        var map = new Dictionary<string, MatrixView>(StringComparer.Ordinal);
        var cursor = data;
        MatrixView Take(int rows, int cols)
        {
            var view = new MatrixView(cursor, ElementType.Float32, rows, cols, cols);
            cursor += (long)rows * cols;
            return view;
        }
        void PerLayer(TensorRole role, int rows, int cols, bool vector)
        {
            for (var l = 0; l < h.Layers; l++)
                map.Add(names.Weight(role, l), vector ? Take(1, cols) : Take(rows, cols));
        }
        map.Add(names.Weight(TensorRole.TokenEmbedding), Take(h.VocabSize, h.Dim));
        PerLayer(TensorRole.AttentionNorm, 1, h.Dim, vector: true);
        PerLayer(TensorRole.Query, h.Dim, h.Dim, vector: false);
        PerLayer(TensorRole.Key, h.KvDim, h.Dim, vector: false);
        PerLayer(TensorRole.Value, h.KvDim, h.Dim, vector: false);
        PerLayer(TensorRole.AttentionOut, h.Dim, h.Dim, vector: false);
        PerLayer(TensorRole.MlpNorm, 1, h.Dim, vector: true);
        PerLayer(TensorRole.MlpGate, h.HiddenDim, h.Dim, vector: false);
        PerLayer(TensorRole.MlpDown, h.Dim, h.HiddenDim, vector: false);
        PerLayer(TensorRole.MlpUp, h.HiddenDim, h.Dim, vector: false);
        map.Add(names.Weight(TensorRole.FinalNorm), Take(1, h.Dim));
        cursor += (long)h.SequenceLength * h.HeadDim; // run.c's precomputed cos/sin tables (unused)
        if (!h.SharedClassifier) map.Add(names.Weight(TensorRole.LmHead), Take(h.VocabSize, h.Dim));
        return map;
    }

    /// <summary>A read-only mapping of a whole file that stays valid until disposed.</summary>
    private sealed unsafe class MappedFile : IDisposable
    {
        private readonly MemoryMappedFile _map;
        private readonly MemoryMappedViewAccessor _view;

        private MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long length)
        {
            _map = map;
            _view = view;
            Pointer = pointer;
            Length = length;
        }

        public byte* Pointer { get; }

        public long Length { get; }

        public static MappedFile Open(string path)
        {
            var length = new FileInfo(path).Length;
            if (length < Llama2cHeader.ByteLength) throw new InvalidDataException($"{path}: {length} bytes is too short for a llama2.c checkpoint");
            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(map, view, pointer + view.PointerOffset, length);
        }

        public void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
    }
}
