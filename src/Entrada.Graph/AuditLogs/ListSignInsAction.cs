using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuditLogs;

/// <summary>Whether a sign-in succeeded.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignInStatus>))]
internal enum SignInStatus
{
    /// <summary>Error code 0.</summary>
    [JsonStringEnumMemberName("success")]
    Success,

    /// <summary>Any other error code.</summary>
    [JsonStringEnumMemberName("failure")]
    Failure,
}

/// <summary>Input of signins.list: every field narrows the list (all must hold).</summary>
internal sealed record ListSignInsInput(
    [property: Description("The user's object ID or user principal name.")][property: MaxTextLength(256)] string? UserId = null,
    [property: Description("Many users' object IDs or user principal names: their sign-ins, 15 users to a request (not one request each).")] IReadOnlyList<string>? UserIds = null,
    [property: Description("The application's ID (client ID).")][property: MaxTextLength(64)] string? AppId = null,
    [property: Description("The application's display name, e.g. Azure Portal.")][property: MaxTextLength(256)] string? AppDisplayName = null,
    [property: Description("success or failure.")] SignInStatus? Status = null,
    [property: Description("One error code, e.g. 50126 (wrong password) or 50074 (MFA required).")] int? ErrorCode = null,
    [property: Description("The client's IP address.")][property: MaxTextLength(64)] string? IpAddress = null,
    [property: Description("The country or region signed in from, as a two-letter code (ISO 3166-1), e.g. RU.")][property: MaxTextLength(2)] string? CountryOrRegion = null,
    [property: Description("Only sign-ins at or after this time.")] DateTimeOffset? Since = null,
    [property: Description("Only sign-ins at or before this time.")] DateTimeOffset? Until = null,
    [property: Description("Stop after this many sign-ins; all when absent.")] int? Max = null) : IValidatableInput
{
    /// <summary>How many users one request asks for: an <c>or</c> of 15 clauses, the most Graph's filters take.</summary>
    public const int UsersPerRequest = 15;

    public IEnumerable<ValidationError> Validate()
    {
        if (UserId is not null)
        {
            foreach (var error in InputRules.RequireId("userId", UserId, allowUpn: true))
            {
                yield return error;
            }
        }

        if (UserIds is not null)
        {
            if (UserId is not null)
            {
                yield return new ValidationError("userIds", "Give 'userId' or 'userIds', not both.");
            }

            if (UserIds.Count == 0)
            {
                yield return new ValidationError("userIds", "'userIds' is empty: give at least one user, or leave it out for every user's sign-ins.");
            }

            for (var i = 0; i < UserIds.Count; i++)
            {
                foreach (var error in InputRules.RequireId($"userIds[{i}]", UserIds[i], allowUpn: true))
                {
                    yield return error;
                }
            }
        }

        if (AppId is not null && !Guid.TryParse(AppId, out _))
        {
            yield return new ValidationError("appId", $"'appId' ('{AppId}') is not an application ID (GUID).");
        }

        if (IpAddress is not null && !System.Net.IPAddress.TryParse(IpAddress, out _))
        {
            yield return new ValidationError("ipAddress", $"'ipAddress' ('{IpAddress}') is not an IPv4 or IPv6 address.");
        }

        if (CountryOrRegion is not null && !(CountryOrRegion.Trim().Length == 2 && CountryOrRegion.Trim().All(char.IsAsciiLetter)))
        {
            yield return new ValidationError("countryOrRegion", $"'countryOrRegion' ('{CountryOrRegion}') is not a two-letter country code such as US or RU.");
        }

        if (Status == SignInStatus.Success && ErrorCode is not (null or 0))
        {
            yield return new ValidationError("errorCode", $"A successful sign-in has error code 0; 'status' success and 'errorCode' {ErrorCode} match nothing.");
        }

        foreach (var error in LogFilter.CheckWindow(Since, Until, Max))
        {
            yield return error;
        }
    }

    /// <summary>
    /// The <c>$filter</c> of each request these fields make: one, or with <see cref="UserIds"/> one
    /// per 15 users (their clauses joined by <c>or</c>, the other fields' by <c>and</c>), each user
    /// once, in the order given.
    /// </summary>
    public IEnumerable<string?> Filters()
    {
        if (UserIds is null)
        {
            yield return Filter(null);
            yield break;
        }

        foreach (var users in UserIds.Select(u => u.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Chunk(UsersPerRequest))
        {
            yield return Filter("(" + string.Join(" or ", users.Select(u => $"{UserPath(u)} eq {ODataQuery.Literal(u)}")) + ")");
        }
    }

    private static string UserPath(string user) => LogFilter.IsObjectId(user) ? "userId" : "userPrincipalName";

    private string? Filter(string? users) => new LogFilter()
        .Equal(UserId is null ? "userId" : UserPath(UserId), UserId)
        .Raw(users is not null, users!)
        .Equal("appId", AppId)
        .Equal("appDisplayName", AppDisplayName)
        .Raw(ErrorCode is not null, $"status/errorCode eq {ErrorCode}")
        .Raw(ErrorCode is null && Status == SignInStatus.Success, "status/errorCode eq 0")
        .Raw(ErrorCode is null && Status == SignInStatus.Failure, "status/errorCode ne 0")
        .Equal("ipAddress", IpAddress)
        .Equal("location/countryOrRegion", CountryOrRegion?.Trim().ToUpperInvariant())
        .Window("createdDateTime", Since, Until)
        .Build();
}

/// <summary>A sign-in, with what an investigation reads first.</summary>
internal sealed record SignInItem(
    string? Id,
    DateTimeOffset? CreatedDateTime,
    string? UserId,
    string? UserPrincipalName,
    string? AppDisplayName,
    string? AppId,
    string? IpAddress,
    [property: Description("success or failure.")] string Status,
    int? ErrorCode,
    string? FailureReason,
    string? City,
    string? CountryOrRegion,
    string? RiskLevelDuringSignIn,
    string? RiskState,
    string? ConditionalAccessStatus,
    string? ClientAppUsed,
    bool? IsInteractive)
{
    public static SignInItem From(SignIn s) => new(
        s.Id,
        s.CreatedDateTime,
        s.UserId,
        s.UserPrincipalName,
        s.AppDisplayName,
        s.AppId,
        s.IpAddress,
        s.Status?.ErrorCode is null or 0 ? "success" : "failure",
        s.Status?.ErrorCode,
        s.Status?.FailureReason,
        s.Location?.City,
        s.Location?.CountryOrRegion,
        RiskyUsers.RiskyUserItem.Wire(s.RiskLevelDuringSignIn),
        RiskyUsers.RiskyUserItem.Wire(s.RiskState),
        RiskyUsers.RiskyUserItem.Wire(s.ConditionalAccessStatus),
        s.ClientAppUsed,
        s.IsInteractive);
}

/// <summary>
/// signins.list: GET /auditLogs/signIns, newest first, every page streamed. The sign-in logs have a
/// limit of their own (about 5 requests per 10 seconds per app and tenant), which the connection's
/// pacer keeps to (<see cref="GraphPacer"/>), so a long list is slow but never throttled.
/// </summary>
internal sealed class ListSignInsAction : GraphListAction<ListSignInsInput, SignInItem>
{
    /// <summary>Graph's largest page of sign-ins.</summary>
    public const int MaxPage = 1000;

    public override ActionDescriptor Descriptor { get; } = Graph(
        "signins.list",
        "Lists sign-ins, newest first, by user, app, status, error code, IP address and time window, streaming every page.",
        "GET /auditLogs/signIns",
        GraphPermissions.SignInsRead,
        new JsonObject { ["userId"] = "ann@contoso.onmicrosoft.com", ["status"] = "failure", ["since"] = "2026-11-01T00:00:00Z" });

    protected override async IAsyncEnumerable<SignInItem> ListCoreAsync(ListSignInsInput input, GraphRun run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Many users: one query per 15 of them, each streamed in turn (newest first within each), so
        // 500 users' evidence is 34 requests at the sign-in logs' pace, not 500.
        var left = input.Max;
        foreach (var filter in input.Filters())
        {
            var request = run.Client.AuditLogs.SignIns.ToGetRequestInformation(rc =>
            {
                rc.QueryParameters.Filter = filter;
                rc.QueryParameters.Top = ODataQuery.PageSize(left, MaxPage);
            });
            await foreach (var item in Paging.ItemsAsync(run, request, SignInCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(SignInItem.From), p => p.OdataNextLink, left, cancellationToken))
            {
                yield return item;
                if (left is not null && --left == 0)
                {
                    yield break;
                }
            }
        }
    }
}
