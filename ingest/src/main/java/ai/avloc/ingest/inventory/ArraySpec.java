package ai.avloc.ingest.inventory;

import ai.avloc.acoustics.array.MicArray;
import java.util.List;
import java.util.Objects;

/**
 * How an array camera's channels become microphones.
 *
 * @param geometryId what the chunks' {@code geometryId} says: the built-in name in lower case
 *     ({@code respeaker4}), or the name of a geometry file's array
 * @param geometry the microphone positions
 * @param channelMap {@code channelMap.get(m)} = the 0-based source channel that microphone m
 *     records; as long as the geometry has microphones
 */
public record ArraySpec(String geometryId, MicArray geometry, List<Integer> channelMap) {
  public ArraySpec {
    Objects.requireNonNull(geometryId, "geometryId");
    Objects.requireNonNull(geometry, "geometry");
    channelMap = List.copyOf(channelMap);
    if (channelMap.size() != geometry.size()) {
      throw new IllegalArgumentException(
          "channel map of "
              + channelMap.size()
              + " channels for geometry "
              + geometryId
              + " of "
              + geometry.size()
              + " microphones");
    }
    for (int c : channelMap) {
      if (c < 0) {
        throw new IllegalArgumentException("channel map holds negative channel " + c);
      }
    }
  }

  /** The channel map as an array, for the decoder's inner loop. */
  public int[] channels() {
    return channelMap.stream().mapToInt(Integer::intValue).toArray();
  }
}
