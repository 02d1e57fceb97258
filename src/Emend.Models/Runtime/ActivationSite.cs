namespace Emend.Models.Runtime;

/// <summary>Where in a block an activation is read or a vector is added.</summary>
public enum ActivationSite
{
    /// <summary>The input of the MLP down-projection ("the key" k of ROME/MEMIT), width = intermediate size.</summary>
    MlpKey,

    /// <summary>The MLP output after the down-projection and its bias, before the residual add.</summary>
    MlpOutput,

    /// <summary>The block's output: the residual stream after all of the block's adds.</summary>
    BlockOutput,
}
