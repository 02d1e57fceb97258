using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// The BLIS-style blocked GEMM on one rectangle of C. Loop order, outermost first: depth blocks of Kc; row blocks
/// of Mc (op(A) copied row-major, rows padded with zeros to a multiple of Mr, so each A element is packed once per
/// thread); column blocks of Nc (a
/// Kc × Nc B block packed into L2); then for each Mr rows of A (Mr × Kc, held in L1) every B panel streams past
/// them. Only the first depth block applies the caller's beta; later ones accumulate.
/// </summary>
internal static unsafe class PackedGemm<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : IGemmMicroKernel<T>
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in GemmProblem<T> problem, int rowStart, int rowEnd, int colStart, int colEnd, SimdWidth width)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        var workspace = GemmWorkspace.Current;
        var blockRows = Math.Min(TKernel.Mc, (rowEnd - rowStart + mr - 1) / mr * mr);
        var packedA = workspace.Get<T>(GemmBuffer.PackedA, (long)blockRows * TKernel.Kc);
        var packedB = workspace.Get<T>(GemmBuffer.PackedB, (long)TKernel.Kc * TKernel.Nc);
        var tile = workspace.Get<T>(GemmBuffer.EdgeTile, mr * nr);
        var widened = problem.B.HalfFormat is null ? null : workspace.Get<float>(GemmBuffer.WidenedRows, (long)nr * TKernel.Kc);

        for (var pc = 0; pc < problem.K; pc += TKernel.Kc)
        {
            var kc = Math.Min(TKernel.Kc, problem.K - pc);
            var beta = pc == 0 ? problem.Beta : T.One;
            for (var ic = rowStart; ic < rowEnd; ic += TKernel.Mc)
            {
                var mc = Math.Min(TKernel.Mc, rowEnd - ic);
                GemmPacking<T>.PackA(packedA, TKernel.Kc, problem.A, ic, pc, mc, kc, width);
                for (var r = mc; r % mr != 0; r++)
                    new Span<T>(packedA + (nint)r * TKernel.Kc, kc).Clear();
                for (var jc = colStart; jc < colEnd; jc += TKernel.Nc)
                {
                    var nc = Math.Min(TKernel.Nc, colEnd - jc);
                    GemmPacking<T>.PackB(packedB, problem.B, pc, jc, kc, nc, nr, width, widened);
                    for (var ir = 0; ir < mc; ir += mr)
                    {
                        var rows = Math.Min(mr, mc - ir);
                        var a = packedA + (nint)ir * TKernel.Kc;
                        var cRow = problem.C + (ic + ir) * problem.Ldc + jc;
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var cols = Math.Min(nr, nc - jr);
                            var b = packedB + (nint)jr * kc;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Multiply(kc, a, b, cRow + jr, problem.Ldc, problem.Alpha, beta);
                            }
                            else
                            {
                                TKernel.Multiply(kc, a, b, tile, nr, T.One, T.Zero);
                                GemmEdge.Merge(tile, nr, cRow + jr, problem.Ldc, rows, cols, problem.Alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }
}
