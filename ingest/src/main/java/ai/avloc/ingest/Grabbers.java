package ai.avloc.ingest;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/** What every FFmpeg input of the gateway does the same way. */
public final class Grabbers {
  private Grabbers() {}

  /**
   * Closes a grabber whose input is done with (ended, failed to open, lost): a failure to close
   * loses nothing and would only hide the problem worth reporting. Null is ignored.
   */
  public static void closeQuietly(FFmpegFrameGrabber grabber) {
    if (grabber == null) {
      return;
    }
    try {
      grabber.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // see above
    }
  }
}
