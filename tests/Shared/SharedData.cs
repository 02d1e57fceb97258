namespace Emend.Tests;

/// <summary>
/// Locates the data folder that sits beside the repository (<c>EMEND_SHARED</c>, else <c>../shared</c> from the
/// repository root). Tests that need it call <see cref="Require"/>, which skips them with a message saying what is
/// missing, so the suite passes on a clone that has no data beside it.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The shared folder, or null when it cannot be found.</summary>
    public static string? Directory => Root.Value;

    /// <summary>Returns the absolute path of <paramref name="relative"/> inside the shared folder, skipping the test when absent.</summary>
    public static string Require(string relative)
    {
        var root = Root.Value;
        Skip.If(root is null, "shared data folder not found: set EMEND_SHARED or place it at ../shared beside the repository");
        var path = Path.Combine(root!, relative);
        Skip.IfNot(File.Exists(path) || System.IO.Directory.Exists(path), $"shared data missing: {path}");
        return path;
    }

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("EMEND_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
            return System.IO.Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")) || System.IO.Directory.Exists(Path.Combine(dir.FullName, ".git")))
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared");
                if (System.IO.Directory.Exists(candidate)) return Path.GetFullPath(candidate);
            }
        }
        return null;
    }
}
