namespace Emend.Cli;

/// <summary>
/// Finds the data folder that sits beside the repository: <c>EMEND_SHARED</c> when set, else <c>../shared</c> from
/// the current directory, else <c>../shared</c> from the repository that holds this executable.
/// </summary>
internal static class SharedDataLocator
{
    public static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("EMEND_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        var besideCurrent = Path.Combine(Environment.CurrentDirectory, "..", "shared");
        if (Directory.Exists(besideCurrent)) return Path.GetFullPath(besideCurrent);
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var isRepositoryRoot = File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")) || Directory.Exists(Path.Combine(directory.FullName, ".git"));
            var candidate = Path.Combine(directory.FullName, "..", "shared");
            if (isRepositoryRoot && Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>The absolute path of <paramref name="relative"/> inside the shared folder, or an explanation of what is missing.</summary>
    public static bool TryResolve(string relative, out string path, out string problem)
    {
        var root = Find();
        path = root is null ? string.Empty : Path.Combine(root, relative);
        problem = root is null
            ? "shared data folder not found: set EMEND_SHARED or place it at ../shared beside the repository"
            : $"shared data missing: {path}";
        return root is not null && (File.Exists(path) || Directory.Exists(path));
    }
}
