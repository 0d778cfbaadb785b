using System.Reflection;
using Entrada.Cli.Infrastructure;
using Spectre.Console.Cli;
using Spectre.Console.Testing;

namespace Entrada.Cli.Tests.Infrastructure;

/// <summary>
/// Every boolean option of every command, found by reflection over the settings types: the bare
/// form (<c>--start-tls</c>) means true, and an option that takes a value also accepts
/// <c>false</c>. Each settings type is parsed by Spectre itself, through a probe command that
/// captures what the command line bound to.
/// </summary>
public sealed class BooleanOptionTests
{
    public static TheoryData<string, string> BooleanOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var settings in SettingsTypes())
        {
            foreach (var property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<CommandOptionAttribute>() is not null && IsBoolean(property.PropertyType))
                {
                    data.Add(settings.FullName!, property.Name);
                }
            }
        }

        return data;
    }

    [Fact]
    public void TheOptionsFound_IncludeTheLdapSwitchesThatOnceReadTheBareFormAsFalse()
    {
        var found = BooleanOptions().Select(row => (string)row[1]).ToHashSet();
        found.ShouldContain("StartTls");
        found.ShouldContain("AllowPlainBind");
        found.ShouldContain("InsecureSkipVerify");
        found.ShouldContain("DryRun");
    }

    [Theory]
    [MemberData(nameof(BooleanOptions))]
    public void ABareBooleanOption_MeansTrue(string settingsType, string propertyName)
    {
        var (type, property, option) = Describe(settingsType, propertyName);

        var settings = Parse(type, option);

        Effective(property.GetValue(settings)).ShouldBe(true, $"{option} alone should mean true");
    }

    [Theory]
    [MemberData(nameof(BooleanOptions))]
    public void ABooleanOptionThatTakesAValue_CanBeTurnedOff(string settingsType, string propertyName)
    {
        var (type, property, option) = Describe(settingsType, propertyName);
        if (!property.GetCustomAttribute<CommandOptionAttribute>()!.ValueIsOptional)
        {
            return; // A plain switch takes no value; absent is its false.
        }

        Effective(property.GetValue(Parse(type, option, "false"))).ShouldBe(false, $"{option} false should mean false");
        Effective(property.GetValue(Parse(type, option, "true"))).ShouldBe(true, $"{option} true should mean true");
    }

    private static IEnumerable<Type> SettingsTypes() =>
        typeof(EntradaCli).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Where(t => typeof(EntradaCli).Assembly.GetTypes().Any(c => CommandSettingsOf(c) == t));

    private static Type? CommandSettingsOf(Type command)
    {
        for (var type = command.BaseType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(AsyncCommand<>) || type.GetGenericTypeDefinition() == typeof(Command<>)))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static bool IsBoolean(Type type) =>
        type == typeof(bool) || type == typeof(bool?) || type == typeof(FlagValue<bool>) || type == typeof(FlagValue<bool?>);

    /// <summary>What the command makes of the option's value (the same reading the commands use).</summary>
    private static bool? Effective(object? value) => value switch
    {
        bool b => b,
        FlagValue<bool?> flag => FlagValues.ValueOf(flag),
        FlagValue<bool> flag => flag.IsSet ? flag.Value : null,
        null => null,
        _ => throw new InvalidOperationException($"Not a boolean option value: {value.GetType()}."),
    };

    private static (Type Type, PropertyInfo Property, string Option) Describe(string settingsType, string propertyName)
    {
        var type = typeof(EntradaCli).Assembly.GetType(settingsType, throwOnError: true)!;
        var property = type.GetProperty(propertyName)!;
        var option = property.GetCustomAttribute<CommandOptionAttribute>()!.LongNames.Select(n => "--" + n).First();
        return (type, property, option);
    }

    /// <summary>Parses <c>probe ARGUMENTS OPTION [VALUE]</c> into <paramref name="settingsType"/> with Spectre's own binder.</summary>
    private static object Parse(Type settingsType, params string[] option)
    {
        var arguments = settingsType.GetProperties()
            .Select(p => p.GetCustomAttribute<CommandArgumentAttribute>())
            .Where(a => a is { IsRequired: true })
            .OrderBy(a => a!.Position)
            .Select(_ => "1");
        var probe = (Probe)typeof(BooleanOptionTests).GetMethod(nameof(ParseWith), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(settingsType)
            .Invoke(null, [(string[])["probe", .. arguments, .. option]])!;
        return probe.Settings ?? throw new InvalidOperationException($"'{string.Join(' ', option)}' did not parse into {settingsType.Name}: {probe.Output}");
    }

    private static Probe ParseWith<TSettings>(string[] args)
        where TSettings : CommandSettings
    {
        // Spectre makes the settings through the type resolver and binds the command line onto
        // them before the settings validate themselves, so the instance it made holds what was
        // bound even when validation then refuses (run without --connection, say).
        var probe = new Probe(typeof(TSettings));
        var console = new TestConsole();
        var app = new CommandApp(probe);
        app.Configure(config =>
        {
            config.ConfigureConsole(console);
            config.UseStrictParsing();
            config.AddCommand<ProbeCommand<TSettings>>("probe");
        });
        app.Run(args);
        probe.Output = console.Output;
        return probe;
    }

    private sealed class Probe(Type settingsType) : ITypeRegistrar
    {
        private readonly TypeRegistrar _inner = new(new Microsoft.Extensions.DependencyInjection.ServiceCollection());

        public Type SettingsType { get; } = settingsType;

        public object? Settings { get; private set; }

        public string Output { get; set; } = string.Empty;

        public ITypeResolver Build() => new Resolver(this, _inner.Build());

        public void Register(Type service, Type implementation) => _inner.Register(service, implementation);

        public void RegisterInstance(Type service, object implementation) => _inner.RegisterInstance(service, implementation);

        public void RegisterLazy(Type service, Func<object> factory) => _inner.RegisterLazy(service, factory);

        private sealed class Resolver(Probe probe, ITypeResolver inner) : ITypeResolver
        {
            public object? Resolve(Type? type)
            {
                var made = inner.Resolve(type);
                if (type == probe.SettingsType)
                {
                    probe.Settings = made;
                }

                return made;
            }
        }
    }

    private sealed class ProbeCommand<TSettings> : Command<TSettings>
        where TSettings : CommandSettings
    {
        public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken) => 0;
    }
}
