using System.Reflection;
using Entrada.Core.Storage;

namespace Entrada.Core.Playbooks;

/// <summary>
/// Where playbooks come from: the built-ins shipped inside Entrada (<c>contain-user</c>,
/// <c>offboard-user</c>, <c>restore-user</c>), the YAML files in <c>ENTRADA_HOME/playbooks</c>
/// (a file's playbook id wins over a built-in of the same id), or a file named by its path.
/// </summary>
public sealed class PlaybookLibrary(EntradaHome home, PlaybookValidator validator)
{
    private const string ResourcePrefix = "Entrada.Core.Playbooks.BuiltIn.";

    /// <summary>The folder of the home's own playbooks.</summary>
    public string Folder => Path.Combine(home.Path, "playbooks");

    /// <summary>The YAML of every built-in playbook, by id.</summary>
    public static IReadOnlyDictionary<string, string> BuiltInSources { get; } = LoadBuiltIns();

    /// <summary>Every playbook, ordered by id; those that do not validate come with their problems.</summary>
    public IReadOnlyList<PlaybookValidation> All()
    {
        var found = new Dictionary<string, PlaybookValidation>(StringComparer.Ordinal);
        foreach (var (id, yaml) in BuiltInSources)
        {
            var validation = validator.Validate(yaml);
            found[id] = validation with { Definition = validation.Definition is { } d ? d with { BuiltIn = true } : null };
        }

        if (Directory.Exists(Folder))
        {
            foreach (var file in Directory.EnumerateFiles(Folder).Where(IsYaml).Order(StringComparer.Ordinal))
            {
                var validation = validator.Validate(File.ReadAllText(file));
                var id = validation.Definition?.Id ?? Path.GetFileNameWithoutExtension(file);
                found[id] = validation;
            }
        }

        return [.. found.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];
    }

    /// <summary>
    /// A playbook by id, or by the path of a YAML file; an unknown name throws with the close
    /// matches, an invalid playbook throws with its problems.
    /// </summary>
    public PlaybookDefinition Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        PlaybookValidation validation;
        if (IsYaml(name) || name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            string yaml;
            try
            {
                yaml = File.ReadAllText(name);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EntradaValidationException("playbook", $"The playbook file '{name}' cannot be read: {(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : "permission denied")}.");
            }

            validation = validator.Validate(yaml);
        }
        else
        {
            var all = All();
            validation = all.FirstOrDefault(v => string.Equals(v.Definition?.Id, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new PlaybookNotFoundException(name, [.. all.Select(v => v.Definition?.Id).OfType<string>().Where(id => id.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(id, StringComparison.OrdinalIgnoreCase))]);
        }

        if (!validation.IsValid)
        {
            throw new PlaybookInvalidException(validation.Definition?.Id ?? name, validation.Problems);
        }

        return validation.Definition!;
    }

    private static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string> LoadBuiltIns()
    {
        var assembly = typeof(PlaybookLibrary).Assembly;
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && IsYaml(n)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var id = resource[ResourcePrefix.Length..];
            sources[id[..id.LastIndexOf('.')]] = reader.ReadToEnd();
        }

        return sources;
    }
}

/// <summary>No playbook has the name.</summary>
public sealed class PlaybookNotFoundException(string name, IReadOnlyList<string> closeMatches)
    : EntradaException(closeMatches.Count > 0
        ? $"There is no playbook '{name}'. Did you mean {string.Join(", ", closeMatches.Select(m => $"'{m}'"))}?"
        : $"There is no playbook '{name}'; give a built-in's id, one in the home's playbooks folder, or the path of a YAML file.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
