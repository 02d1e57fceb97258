namespace Emend.Models.Tokenization;

/// <summary>One token of an encoding: its id and its vocabulary string (for example <c>Ġworld</c> or <c>▁world</c>).</summary>
public readonly record struct EncodedToken(int Id, string Value);
