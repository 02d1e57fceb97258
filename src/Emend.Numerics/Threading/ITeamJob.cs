namespace Emend.Numerics;

/// <summary>
/// A unit of parallel work for <see cref="ThreadTeam.Run{TJob}(int, ref TJob)"/>. A struct job carries its
/// arguments in fields, so dispatching it allocates nothing (unlike a closure per call).
/// </summary>
public interface ITeamJob
{
    /// <summary>Does the share of <paramref name="worker"/> (0 … <paramref name="workers"/> − 1; 0 is the calling thread).</summary>
    void Execute(int worker, int workers);
}
