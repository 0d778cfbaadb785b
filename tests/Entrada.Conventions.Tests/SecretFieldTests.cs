using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Conventions.Tests;

/// <summary>Every field of every action's input that carries a secret says so, so that one masking rule finds it.</summary>
public sealed class SecretFieldTests(Catalogue catalogue) : IClassFixture<Catalogue>
{
    private IReadOnlyList<ActionDescriptor> Actions => catalogue.Actions;

    [Fact]
    public void EveryInputField_WhoseNameSaysSecret_IsMarkedSecret()
    {
        var unmarked = Actions
            .SelectMany(a => FieldsOf(a.InputType, a.Id))
            .Where(f => SecretMasking.IsSecretName(f.Property.Name) && CarriesText(f.Property.PropertyType) && Mark(f.Property) is null)
            .Select(f => f.Path)
            .ToList();
        unmarked.ShouldBeEmpty("mark these input fields [Secret] (or rename them if they carry no secret)");
    }

    [Fact]
    public void EveryLdapValueField_BesideAnAttributeName_IsSecretWhenTheAttributeIs()
    {
        var ldapValues = Actions.Where(a => a.Target == ActionTarget.Ldap)
            .SelectMany(a => FieldsOf(a.InputType, a.Id))
            .Where(f => f.Property.Name is "Value" or "Values" && f.Siblings.Any(s => s.Name == "attribute"))
            .ToList();
        ldapValues.Count.ShouldBeGreaterThanOrEqualTo(2, "ldap.modify's values and ldap.compare's value");
        ldapValues.Where(f => Mark(f.Property)?.WhenLdapAttributeIn != "attribute").Select(f => f.Path)
            .ShouldBeEmpty("mark these [Secret(WhenLdapAttributeIn = \"attribute\")]: userPassword and the like must not be kept");
        var attributeMaps = Actions.Where(a => a.Target == ActionTarget.Ldap)
            .SelectMany(a => FieldsOf(a.InputType, a.Id))
            .Where(f => f.Property.Name == "Attributes" && f.Property.PropertyType.IsGenericType && f.Property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            .ToList();
        attributeMaps.ShouldNotBeEmpty("ldap.add's attributes");
        attributeMaps.Where(f => Mark(f.Property) is not { ByLdapAttributeKey: true }).Select(f => f.Path).ShouldBeEmpty();
    }

    [Fact]
    public void TheActionsKnownToCarrySecrets_HaveSecretFields()
    {
        var withSecrets = Actions.Where(a => SecretMasking.SecretFieldsOf(a.InputType).Count > 0).ToDictionary(a => a.Id, a => SecretMasking.SecretFieldsOf(a.InputType));
        withSecrets["users.create"].ShouldContain("password");
        withSecrets["users.reset-password"].ShouldContain("password");
        withSecrets["ldap.ad.reset-password"].ShouldContain("password");
        withSecrets["ldap.modify"].ShouldContain("changes[].values");
        withSecrets["ldap.compare"].ShouldContain("value");
        withSecrets["ldap.add"].ShouldContain("attributes{}");
    }

    /// <summary>Whether a field holds text (a flag such as forceChangePasswordNextSignIn holds no secret).</summary>
    private static bool CarriesText(Type type) =>
        type == typeof(string) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type)
        || (type != typeof(string) && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>) && CarriesText(i.GetGenericArguments()[0])));

    private static SecretAttribute? Mark(PropertyInfo property) => property.GetCustomAttribute<SecretAttribute>(inherit: true);

    /// <summary>Every property of an input type and of the records it holds, with its JSON path.</summary>
    private static IEnumerable<(string Path, PropertyInfo Property, IList<JsonPropertyInfo> Siblings)> FieldsOf(Type type, string path, int depth = 0)
    {
        if (depth > 6 || type.IsPrimitive || type == typeof(string) || type.IsEnum || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType)
        {
            yield break;
        }

        var info = ActionInput.Options.GetTypeInfo(type);
        if (info.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary && info.ElementType is { } element)
        {
            foreach (var field in FieldsOf(element, path + "[]", depth + 1))
            {
                yield return field;
            }

            yield break;
        }

        if (info.Kind != JsonTypeInfoKind.Object)
        {
            yield break;
        }

        foreach (var json in info.Properties)
        {
            if (json.AttributeProvider is not PropertyInfo property)
            {
                continue;
            }

            yield return ($"{path}.{json.Name}", property, info.Properties);
            foreach (var inner in FieldsOf(property.PropertyType, $"{path}.{json.Name}", depth + 1))
            {
                yield return inner;
            }
        }
    }
}
