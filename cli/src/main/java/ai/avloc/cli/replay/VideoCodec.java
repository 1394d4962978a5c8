package ai.avloc.cli.replay;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;

import java.util.List;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * The clip's video encoder: H.264 where the bundled FFmpeg has one, since every browser and player
 * decodes it. JavaCV's default FFmpeg build is LGPL and so ships OpenH264 (Cisco's BSD-licensed
 * encoder) but not x264; a GPL build (ffmpeg-platform-gpl) adds libx264, which is preferred for its
 * quality per bit. MPEG-4 part 2, built into FFmpeg itself, is the last resort.
 */
final class VideoCodec {
  static final String X264 = "libx264";
  static final String OPENH264 = "libopenh264";
  static final String MPEG4 = "mpeg4";

  private static final List<String> PREFERENCE = List.of(X264, OPENH264, MPEG4);

  private VideoCodec() {}

  /** The first encoder of {@code libx264, libopenh264, mpeg4} that this FFmpeg build has. */
  static String best() {
    for (String name : PREFERENCE) {
      if (avcodec_find_encoder_by_name(name) != null) {
        return name;
      }
    }
    throw new IllegalStateException(
        "the bundled FFmpeg has none of the encoders " + PREFERENCE + " for the evidence clip");
  }

  /**
   * Rate control per encoder. A 596x448 picture at 12 fps is small: x264 at CRF 23 keeps text and
   * colour edges sharp, OpenH264 (bitrate control only) gets 1.5 Mb/s, MPEG-4 a fixed quantizer of
   * 4.
   */
  static void configure(FFmpegFrameRecorder recorder, String name, int bitrate) {
    switch (name) {
      case X264 -> {
        recorder.setVideoOption("preset", "veryfast");
        recorder.setVideoOption("crf", "23");
      }
      case OPENH264 -> {
        recorder.setVideoBitrate(bitrate);
        // Never skip a frame to meet the bitrate: each one is a window of evidence.
        recorder.setVideoOption("allow_skip_frames", "0");
      }
      default -> recorder.setVideoQuality(4);
    }
  }
}
