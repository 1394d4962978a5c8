package ai.avloc.ingest;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;

/** Where a gateway's decoded events go: a Kafka producer in production, a list in tests. */
public interface CameraEvents {
  void frame(VideoFrame frame);

  void audio(AudioChunk chunk);

  /** All channels of an array camera's microphones for one run of samples. */
  void array(ArrayChunk chunk);
}
