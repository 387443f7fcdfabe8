using System.Collections.Generic;
using System.Globalization;

namespace AutoDiff.Generator.Differentiation;

/// <summary>Hands out names for generated variables that collide with nothing the user declared.</summary>
internal sealed class Namer
{
    private readonly HashSet<string> _used;

    public Namer(IEnumerable<string> userNames) => _used = new HashSet<string>(userNames);

    /// <summary>Returns <paramref name="name"/> if it is free, else <c>name2</c>, <c>name3</c>, ….</summary>
    public string Fresh(string name)
    {
        if (_used.Add(name))
        {
            return name;
        }

        for (int i = 2; ; i++)
        {
            string candidate = name + i.ToString(CultureInfo.InvariantCulture);
            if (_used.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Like <see cref="Fresh"/> but always numbered (<c>_cond1</c>, <c>_cond2</c>), for bookkeeping variables.</summary>
    public string Numbered(string name)
    {
        for (int i = 1; ; i++)
        {
            string candidate = name + i.ToString(CultureInfo.InvariantCulture);
            if (_used.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
