namespace Emend.Models.Runtime;

/// <summary>Reads the activation at <see cref="Site"/> of block <see cref="Layer"/> for the given batch rows.</summary>
public sealed record ActivationCapture(int Layer, ActivationSite Site, IReadOnlyList<int> Rows);
