package ai.avloc.ingest;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/** What every FFmpeg input of the gateway does the same way. */
public final class Grabbers {
  private Grabbers() {}

  /**
   * Opens the input. JavaCV's {@code start()} holds one process-wide lock across the network open
   * and the stream probe, so a camera that trickles bytes or times out would hold up every other
   * camera's connect and reconnect; FFmpeg opens codecs thread-safely since 4.0, so the gateway
   * opens without that lock.
   */
  public static void start(FFmpegFrameGrabber grabber) throws FrameGrabber.Exception {
    grabber.startUnsafe();
  }

  /**
   * The container's start time in µs, 0 when it has none: JavaCV stamps frames with the streams'
   * own times, which a recording or live stream may start far from 0.
   */
  public static long startMicros(FFmpegFrameGrabber grabber) {
    long start = grabber.getFormatContext().start_time();
    return start == avutil.AV_NOPTS_VALUE ? 0 : start;
  }

  /**
   * Closes a grabber whose input is done with (ended, failed to open, lost), without JavaCV's
   * process-wide lock (see {@link #start}): a failure to close loses nothing and would only hide
   * the problem worth reporting. Null is ignored.
   */
  public static void closeQuietly(FFmpegFrameGrabber grabber) {
    if (grabber == null) {
      return;
    }
    try {
      grabber.releaseUnsafe();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // see above
    }
  }
}
