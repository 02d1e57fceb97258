using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Householder reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ, blocked as LAPACK's dsytrd: within a
/// panel of reflectors the trailing matrix is not touched (each new reflector sees it through the panel's V and W,
/// A − V·Wᵀ − W·Vᵀ); after the panel one rank-2k update through GEMM brings it up to date. What is left is one
/// symmetric matrix–vector product per reflector, which is memory-bound and reads only the upper triangle once.
/// Works on the row-major upper triangle, so that the vector being reduced (column i below the diagonal, equal to
/// row i right of it) is contiguous; reflector i is stored in row i from column i+1 on, with its unit entry explicit.
/// </summary>
internal static class TridiagonalReduction
{
    internal const int DefaultPanelWidth = 64;

    private const int UpdateRowBlock = 256;

    private const int BackTransformBlock = 128;

    private const int ParallelProductThreshold = 512;

    /// <summary>
    /// Reduces <paramref name="a"/> (n × n, upper triangle read) in place; on return <paramref name="diagonal"/> and
    /// <paramref name="offDiagonal"/> hold T and rows of <paramref name="a"/> with <paramref name="tau"/> hold Q.
    /// </summary>
    public static void Reduce(double[] a, int n, double[] diagonal, double[] offDiagonal, double[] tau, int panelWidth,
        CancellationToken cancellationToken)
    {
        var panel = new double[2 * panelWidth * n];
        var swapped = new double[2 * panelWidth * n];
        var product = new SymmetricProduct(n);
        for (var k = 0; k < n; k += panelWidth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = Math.Min(k + panelWidth, n);
            var count = end - k;
            var wOffset = count * n;
            for (var i = k; i < end; i++)
            {
                var p = i - k;
                var row = a.AsSpan(i * n + i, n - i);
                for (var q = 0; q < p; q++)
                {
                    var vq = panel.AsSpan(q * n + i, n - i);
                    var wq = panel.AsSpan(wOffset + q * n + i, n - i);
                    TensorPrimitives.MultiplyAdd(wq, -vq[0], row, row);
                    TensorPrimitives.MultiplyAdd(vq, -wq[0], row, row);
                }
                diagonal[i] = row[0];
                if (i == n - 1)
                    break;
                var v = row[1..];
                (offDiagonal[i], tau[i]) = GenerateReflector(v);
                panel.AsSpan(p * n, i + 1).Clear();
                v.CopyTo(panel.AsSpan(p * n + i + 1));
                panel.AsSpan(wOffset + p * n, i + 1).Clear();
                ComputeW(a, n, i, panel, p * n + i + 1, wOffset, p, tau[i], product);
            }
            if (end < n)
                UpdateTrailing(a, n, end, panel, swapped, count);
        }
    }

    /// <summary>
    /// Applies Q = H₀·H₁·…·H_{n−2} from the left to the row-major n × n <paramref name="z"/> (Z ← Q·Z), a block of
    /// reflectors at a time in compact WY form (I − V·T·Vᵀ) so that the work is three GEMMs per block.
    /// </summary>
    public static void ApplyQ(double[] a, int n, double[] tau, double[] z, CancellationToken cancellationToken)
    {
        var reflectors = n - 1;
        if (reflectors == 0)
            return;
        var block = BackTransformBlock;
        var vt = new double[block * n];
        var gram = new double[block * block];
        var t = new double[block * block];
        var w1 = new double[block * n];
        var w2 = new double[block * n];
        for (var k = (reflectors - 1) / block * block; k >= 0; k -= block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kb = Math.Min(block, reflectors - k);
            var m = n - k - 1;
            for (var q = 0; q < kb; q++)
            {
                var row = vt.AsSpan(q * m, m);
                row[..q].Clear();
                a.AsSpan((k + q) * n + k + q + 1, m - q).CopyTo(row[q..]);
            }
            Gemm.Dgemm(Transpose.None, Transpose.Transposed, kb, kb, m, 1.0, vt, m, vt, m, 0.0, gram, kb);
            BuildTriangularFactor(gram, tau.AsSpan(k, kb), t, kb);
            var zs = z.AsSpan((k + 1) * n);
            Gemm.Dgemm(Transpose.None, Transpose.None, kb, n, m, 1.0, vt, m, zs, n, 0.0, w1, n);
            Gemm.Dgemm(Transpose.None, Transpose.None, kb, n, kb, 1.0, t, kb, w1, n, 0.0, w2, n);
            Gemm.Dgemm(Transpose.Transposed, Transpose.None, m, n, kb, -1.0, vt, m, w2, n, 1.0, zs, n);
        }
    }

    /// <summary>
    /// Turns x into the Householder vector v (v₀ = 1) with (I − τ·v·vᵀ)·x = β·e₀ and returns (β, τ); τ = 0 when x is
    /// already a multiple of e₀. The caller scales the matrix to magnitude ~1, so the plain 2-norm cannot overflow.
    /// </summary>
    private static (double Beta, double Tau) GenerateReflector(Span<double> x)
    {
        var alpha = x[0];
        var rest = x[1..];
        var restNorm = TensorPrimitives.Norm<double>(rest);
        x[0] = 1;
        if (restNorm == 0)
            return (alpha, 0);
        var beta = -Math.CopySign(double.Hypot(alpha, restNorm), alpha);
        TensorPrimitives.Multiply(rest, 1 / (alpha - beta), rest);
        return (beta, (beta - alpha) / beta);
    }

    /// <summary>
    /// w = τ·(A − V·Wᵀ − W·Vᵀ)·v followed by w −= ½·τ·(wᵀv)·v, the vector that makes the two-sided update of
    /// reflector p the rank-2 term −v·wᵀ − w·vᵀ. v is panel row p (from its unit entry on), w goes to W's row p.
    /// </summary>
    private static void ComputeW(double[] a, int n, int i, double[] panel, int vStart, int wOffset, int p, double tau,
        SymmetricProduct product)
    {
        var m = n - i - 1;
        var w = panel.AsSpan(wOffset + p * n + i + 1, m);
        if (tau == 0)
        {
            w.Clear();
            return;
        }
        var v = panel.AsSpan(vStart, m);
        product.Multiply(a, (i + 1) * n + i + 1, n, m, panel, vStart, w);
        for (var q = 0; q < p; q++)
        {
            var vq = panel.AsSpan(q * n + i + 1, m);
            var wq = panel.AsSpan(wOffset + q * n + i + 1, m);
            var wDot = TensorPrimitives.Dot(wq, v);
            var vDot = TensorPrimitives.Dot(vq, v);
            TensorPrimitives.MultiplyAdd(vq, -wDot, w, w);
            TensorPrimitives.MultiplyAdd(wq, -vDot, w, w);
        }
        TensorPrimitives.Multiply(w, tau, w);
        TensorPrimitives.MultiplyAdd(v, -0.5 * tau * TensorPrimitives.Dot(w, v), w, w);
    }

    /// <summary>
    /// A[s:, s:] −= V·Wᵀ + W·Vᵀ on the upper triangle, as one GEMM of [V; W]ᵀ·[W; V] per block of rows (k = 2·panel).
    /// </summary>
    private static void UpdateTrailing(double[] a, int n, int start, double[] panel, double[] swapped, int count)
    {
        panel.AsSpan(count * n, count * n).CopyTo(swapped);
        panel.AsSpan(0, count * n).CopyTo(swapped.AsSpan(count * n));
        for (var r0 = start; r0 < n; r0 += UpdateRowBlock)
        {
            var rows = Math.Min(UpdateRowBlock, n - r0);
            Gemm.Dgemm(Transpose.Transposed, Transpose.None, rows, n - r0, 2 * count, -1.0,
                panel.AsSpan(r0), n, swapped.AsSpan(r0), n, 1.0, a.AsSpan(r0 * n + r0), n);
        }
    }

    /// <summary>The upper triangular T of the compact WY form H₀·…·H_{k−1} = I − V·T·Vᵀ, from the Gram matrix Vᵀ·V.</summary>
    private static void BuildTriangularFactor(ReadOnlySpan<double> gram, ReadOnlySpan<double> tau, Span<double> t, int k)
    {
        t[..(k * k)].Clear();
        for (var i = 0; i < k; i++)
        {
            t[i * k + i] = tau[i];
            for (var r = 0; r < i; r++)
            {
                double sum = 0;
                for (var c = r; c < i; c++)
                    sum += t[r * k + c] * gram[c * k + i];
                t[r * k + i] = -tau[i] * sum;
            }
        }
    }

    /// <summary>
    /// y = S·x for a symmetric S given by its row-major upper triangle. Each row is read once and used twice (a dot
    /// product for yᵣ and an axpy for the entries right of the diagonal), halving the memory traffic of a full
    /// product; rows are split between the threads of <see cref="ThreadTeam.Shared"/> by area, each accumulating into its own buffer.
    /// </summary>
    private sealed class SymmetricProduct(int n)
    {
        private readonly double[][] _partials = Enumerable.Range(0, ComputeSettings.ThreadCount).Select(_ => new double[n]).ToArray();

        public void Multiply(double[] s, int offset, int ld, int m, double[] x, int xOffset, Span<double> y)
        {
            var threads = m < ParallelProductThreshold ? 1 : Math.Min(ComputeSettings.ThreadCount, _partials.Length);
            if (threads == 1)
            {
                y.Clear();
                AccumulateRows(s, offset, ld, m, 0, m, x.AsSpan(xOffset, m), y);
                return;
            }
            ThreadTeam.Shared.Run(threads, t =>
            {
                var partial = _partials[t].AsSpan(0, m);
                partial.Clear();
                AccumulateRows(s, offset, ld, m, RowBoundary(m, t, threads), RowBoundary(m, t + 1, threads), x.AsSpan(xOffset, m), partial);
            });
            _partials[0].AsSpan(0, m).CopyTo(y);
            for (var t = 1; t < threads; t++)
                TensorPrimitives.Add(y, _partials[t].AsSpan(0, m), y);
        }

        private static void AccumulateRows(double[] s, int offset, int ld, int m, int first, int end, ReadOnlySpan<double> x, Span<double> y)
        {
            for (var r = first; r < end; r++)
            {
                var row = s.AsSpan(offset + r * ld + r, m - r);
                y[r] += TensorPrimitives.Dot(row, x[r..]);
                TensorPrimitives.MultiplyAdd(row[1..], x[r], y[(r + 1)..], y[(r + 1)..]);
            }
        }

        /// <summary>First row of slice t when rows of lengths m, m−1, …, 1 are cut into equal areas.</summary>
        private static int RowBoundary(int m, int t, int threads)
        {
            if (t == threads)
                return m;
            var remainingFraction = 1.0 - (double)t / threads;
            return Math.Clamp((int)Math.Round(m * (1 - Math.Sqrt(remainingFraction))), 0, m);
        }
    }
}
