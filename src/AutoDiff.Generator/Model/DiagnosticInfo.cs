using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiff.Generator.Model;

/// <summary>A source location reduced to values (file, span, line span), safe to keep in a cached model.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}

/// <summary>A diagnostic reduced to values: which descriptor, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string DescriptorId, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor.Id, LocationInfo.From(location), arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            DiagnosticDescriptors.ById(DescriptorId),
            Location?.ToLocation(),
            messageArgs: System.Linq.Enumerable.ToArray<object>(Arguments));
}
