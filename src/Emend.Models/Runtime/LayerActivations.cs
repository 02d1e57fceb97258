namespace Emend.Models.Runtime;

/// <summary>
/// The intermediate values of one block for a batch of N rows. When a backward pass will follow every block keeps
/// its own; otherwise all blocks share one set (inference keeps nothing it does not need).
/// </summary>
internal sealed class LayerActivations
{
    public float[] NormedInput = [];      // a = norm1(h)            [N, hidden]
    public float[] InputMean = [];        // LayerNorm statistics   [N]
    public float[] InputRstd = [];
    public float[] FusedQkv = [];         // fused projection output [N, q+2kv]
    public float[] Queries = [];          // after rotary           [N, heads·headDim]
    public float[] NewKeys = [];          // this pass's keys        [N, kvHeads·headDim]
    public float[] NewValues = [];
    public float[] Context = [];          // attention output        [N, heads·headDim]
    public float[] Probabilities = [];    // [B, heads, T, keyLength] (backward only)
    public float[] AttentionOut = [];     // after the output projection [N, hidden]
    public float[] Middle = [];           // h + attention (sequential residual) [N, hidden]
    public float[] NormedMiddle = [];     // m = norm2(...)          [N, hidden]
    public float[] MiddleMean = [];
    public float[] MiddleRstd = [];
    public float[] Up = [];               // up projection (pre-activation for GELU) [N, intermediate]
    public float[] Gate = [];             // gate projection (gated MLPs)            [N, intermediate]
    public float[] Key = [];              // input of the down-projection            [N, intermediate]
    public float[] MlpOut = [];           // [N, hidden]
}
