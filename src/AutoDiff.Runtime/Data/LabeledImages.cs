namespace AutoDiff.Data;

/// <summary>
/// Grey-scale images with integer class labels, as in MNIST: <see cref="Count"/> images of <see cref="Rows"/> ×
/// <see cref="Columns"/> bytes (0 = background, 255 = ink) stored one after another, and one label per image.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Creates a set, checking that the sizes agree and every label is below <paramref name="classCount"/>.</summary>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    /// <param name="pixels">Count × rows × columns bytes; not copied.</param>
    /// <param name="labels">One label per image; not copied.</param>
    /// <param name="classCount">The number of classes; labels are 0 … classCount − 1.</param>
    /// <param name="source">Where the data came from, for messages.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public LabeledImages(int rows, int columns, byte[] pixels, byte[] labels, int classCount, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if ((long)labels.Length * rows * columns != pixels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {(long)labels.Length * rows * columns} pixels of {rows} × {columns}, but there are {pixels.Length}.", nameof(pixels));
        }

        int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(classCount - 1));
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {bad} is {labels[bad]}, outside 0 … {classCount - 1}.", nameof(labels));
        }

        Rows = rows;
        Columns = columns;
        Pixels = pixels;
        Labels = labels;
        ClassCount = classCount;
        Source = source;
    }

    /// <summary>Gets the number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Gets the rows per image.</summary>
    public int Rows { get; }

    /// <summary>Gets the columns per image.</summary>
    public int Columns { get; }

    /// <summary>Gets the pixels per image, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>Gets all pixels, image after image, each row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Gets the labels, one per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets where the data came from (file paths), for messages.</summary>
    public string Source { get; }

    /// <summary>Gets one image's pixels.</summary>
    /// <param name="index">The image, 0 … <see cref="Count"/> − 1.</param>
    /// <returns>Its <see cref="PixelsPerImage"/> bytes, row-major.</returns>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Returns all pixels as floats scaled to [0, 1] (byte / 255), the usual network input.</summary>
    /// <returns>A new array of <see cref="Count"/> × <see cref="PixelsPerImage"/> floats.</returns>
    public float[] PixelsAsFloats()
    {
        var values = new float[Pixels.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Pixels[i] / 255f;
        }

        return values;
    }

    /// <summary>Counts the images of each class.</summary>
    /// <returns><see cref="ClassCount"/> counts.</returns>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (byte label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>Reads an MNIST-format pair: an image file (<c>00 00 08 03</c>, count × rows × columns) and a label file (<c>00 00 08 01</c>).</summary>
    /// <param name="imagesPath">The image file, plain or gzip.</param>
    /// <param name="labelsPath">The label file, plain or gzip.</param>
    /// <param name="classCount">The number of classes (10 for MNIST and Fashion-MNIST); a larger label is refused.</param>
    /// <returns>The images and labels.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, the counts differ, or a label is out of range.</exception>
    public static LabeledImages Load(string imagesPath, string labelsPath, int classCount = 10)
    {
        IdxArray images = Idx.ReadFile(imagesPath, expectedDimensions: 3);
        IdxArray labels = Idx.ReadFile(labelsPath, expectedDimensions: 1);
        int count = images.Dimensions[0], rows = images.Dimensions[1], columns = images.Dimensions[2];
        if (rows == 0 || columns == 0)
        {
            throw new IdxFormatException($"'{imagesPath}' declares images of {rows} × {columns} pixels.");
        }

        if (labels.Dimensions[0] != count)
        {
            throw new IdxFormatException(
                $"'{imagesPath}' has {count} images but '{labelsPath}' has {labels.Dimensions[0]} labels; they must be a matching pair.");
        }

        int bad = labels.Data.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(classCount - 1));
        if (bad >= 0)
        {
            throw new IdxFormatException($"'{labelsPath}': label {bad} is {labels.Data[bad]}, outside the classes 0 … {classCount - 1}.");
        }

        return new LabeledImages(rows, columns, images.Data, labels.Data, classCount, $"{imagesPath} + {labelsPath}");
    }

    /// <summary>Writes the set as an MNIST-format pair.</summary>
    /// <param name="imagesPath">The image file to create.</param>
    /// <param name="labelsPath">The label file to create.</param>
    /// <param name="gzip">Whether to gzip-compress both.</param>
    public void Save(string imagesPath, string labelsPath, bool gzip)
    {
        Idx.WriteFile(imagesPath, new IdxArray([Count, Rows, Columns], Pixels), gzip);
        Idx.WriteFile(labelsPath, new IdxArray([Count], Labels), gzip);
    }

    /// <summary>Returns the images at the given indices, in that order, as a new set.</summary>
    /// <param name="indices">Indices of images to keep.</param>
    /// <param name="source">The new set's description.</param>
    /// <returns>The subset.</returns>
    public LabeledImages Select(IReadOnlyList<int> indices, string source)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var pixels = new byte[(long)indices.Count * PixelsPerImage];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * PixelsPerImage));
            labels[i] = Labels[indices[i]];
        }

        return new LabeledImages(Rows, Columns, pixels, labels, ClassCount, source);
    }
}
