using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// The runtime's activations and norms over [rows, width] buffers, split by rows over the compute threads
/// (<see cref="RowSplit"/>). The ops themselves are single-threaded; between multithreaded GEMMs they would leave the
/// other cores idle (a fifth of a factsworld forward pass on two free cores). Every element or row is computed as the
/// op computes it alone, so the result does not depend on the thread count.
/// </summary>
internal static unsafe class RowParallelOps
{
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y, int width, GeluKind kind)
    {
        fixed (float* px = x, py = y)
            RowSplit.Run(x.Length / width, x.Length, new GeluRows(px, py, null, width, kind));
    }

    /// <summary>dx = dy·GELU'(x).</summary>
    public static void GeluBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, int width, GeluKind kind)
    {
        fixed (float* pdy = dy, px = x, pdx = dx)
            RowSplit.Run(x.Length / width, x.Length, new GeluRows(px, pdx, pdy, width, kind));
    }

    public static void GatedSilu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, int width)
    {
        fixed (float* pGate = gate, pUp = up, py = y)
            RowSplit.Run(gate.Length / width, gate.Length, new GatedSiluRows(pGate, pUp, py, null, null, width));
    }

    public static void GatedSiluBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> dGate, Span<float> dUp, int width)
    {
        fixed (float* pdy = dy, pGate = gate, pUp = up, pdGate = dGate, pdUp = dUp)
            RowSplit.Run(gate.Length / width, gate.Length, new GatedSiluRows(pGate, pUp, pdy, pdGate, pdUp, width));
    }

    /// <summary>LayerNorm (with <paramref name="mean"/>) or RMSNorm (<paramref name="bias"/> and <paramref name="mean"/> unused) of each row.</summary>
    public static void Norm(bool rms, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> mean, Span<float> rstd, int width, float eps)
    {
        fixed (float* px = x, pWeight = weight, pBias = bias, py = y, pMean = mean, pRstd = rstd)
            RowSplit.Run(x.Length / width, x.Length, new NormRows(rms, px, pWeight, pBias, bias.Length, py, pMean, pRstd, width, eps));
    }

    /// <summary>Forward (<paramref name="dy"/> null: y = GELU(x)) or backward (output = dy·GELU'(x)).</summary>
    private readonly struct GeluRows(float* x, float* output, float* dy, int width, GeluKind kind) : IRowWork
    {
        public void Run(int start, int end)
        {
            var offset = (long)start * width;
            var length = (end - start) * width;
            var input = new ReadOnlySpan<float>(x + offset, length);
            var result = new Span<float>(output + offset, length);
            if (dy == null) Numerics.Gelu.Forward(input, result, kind);
            else Numerics.Gelu.Backward(new ReadOnlySpan<float>(dy + offset, length), input, result, kind);
        }
    }

    /// <summary>Forward (<paramref name="dUp"/> null: y = SiLU(gate)·up into <paramref name="output"/>) or backward (dy in <paramref name="output"/>).</summary>
    private readonly struct GatedSiluRows(float* gate, float* up, float* output, float* dGate, float* dUp, int width) : IRowWork
    {
        public void Run(int start, int end)
        {
            var offset = (long)start * width;
            var length = (end - start) * width;
            var g = new ReadOnlySpan<float>(gate + offset, length);
            var u = new ReadOnlySpan<float>(up + offset, length);
            if (dUp == null) Numerics.GatedSilu.Forward(g, u, new Span<float>(output + offset, length));
            else Numerics.GatedSilu.Backward(new ReadOnlySpan<float>(output + offset, length), g, u,
                new Span<float>(dGate + offset, length), new Span<float>(dUp + offset, length));
        }
    }

    private readonly struct NormRows(bool rms, float* x, float* weight, float* bias, int biasLength, float* y, float* mean, float* rstd,
        int width, float eps) : IRowWork
    {
        public void Run(int start, int end)
        {
            var rows = end - start;
            var offset = (long)start * width;
            var input = new ReadOnlySpan<float>(x + offset, rows * width);
            var output = new Span<float>(y + offset, rows * width);
            var gain = new ReadOnlySpan<float>(weight, width);
            if (rms)
                RmsNorm.Forward(input, gain, output, new Span<float>(rstd + start, rows), width, eps);
            else
                LayerNorm.Forward(input, gain, new ReadOnlySpan<float>(bias, biasLength), output, new Span<float>(mean + start, rows),
                    new Span<float>(rstd + start, rows), width, eps);
        }
    }
}
