package ai.avloc.acoustics.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 array with an explicit shape, stored in C (row-major) order.
 *
 * <p>The record copies its arrays on the way in and on the way out, so an instance can be shared
 * freely. Use {@link #dim(int)}, {@link #rank()} and {@link #size()} for cheap shape queries.
 *
 * @param shape extent of each axis, all non-negative; an empty shape means a scalar (one value)
 * @param data the values in C order; its length must equal the product of {@code shape}
 */
public record NpyArray(int[] shape, float[] data) {

  public NpyArray {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long product = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has a negative extent at axis " + i);
      }
      product *= shape[i];
      if (product > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(shape)
                + " holds more than "
                + Integer.MAX_VALUE
                + " values");
      }
    }
    if (product != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + product
              + " values but data has "
              + data.length);
    }
    shape = shape.clone();
    data = data.clone();
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** A copy of the values in C order. */
  @Override
  public float[] data() {
    return data.clone();
  }

  /** Extent of axis {@code i}. */
  public int dim(int i) {
    if (i < 0 || i >= shape.length) {
      throw new IndexOutOfBoundsException("axis " + i + " out of range for rank " + shape.length);
    }
    return shape[i];
  }

  /** Number of axes. */
  public int rank() {
    return shape.length;
  }

  /** Number of values (product of the shape). */
  public int size() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof NpyArray other
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NpyArray[shape=" + Arrays.toString(shape) + ", size=" + data.length + "]";
  }
}
