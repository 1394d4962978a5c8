package ai.avloc.acoustics.audio;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_chlayout;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_double;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_int;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_sample_fmt;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Sample-rate conversion with FFmpeg's libswresample: a polyphase windowed-sinc (Kaiser) filter
 * that low-passes below the lower Nyquist frequency before decimating, so 48 kHz or 51.2 kHz audio
 * comes to 12288 Hz without aliasing. A longer filter than FFmpeg's default (64 taps per phase
 * instead of 32) buys a steeper transition band, where the MFCC's top mel bands sit.
 */
public final class Resampler {
  public static final int MIN_RATE = 8_000;
  public static final int MAX_RATE = 96_000;
  private static final int FILTER_SIZE = 64;
  private static final double CUTOFF = 0.95;

  private Resampler() {}

  /** Checks that a sample rate is one avloc accepts (8 kHz to 96 kHz, whole hertz). */
  public static int checkRate(double rate) {
    if (!(rate >= MIN_RATE && rate <= MAX_RATE) || rate != Math.rint(rate)) {
      throw new IllegalArgumentException(
          String.format(
              "sample rate %s Hz is outside the supported %d..%d Hz (whole hertz)",
              rate, MIN_RATE, MAX_RATE));
    }
    return (int) rate;
  }

  /** Resamples one channel; the output starts at the same instant as the input. */
  public static float[] resample(float[] samples, double fromRate, double toRate) {
    int from = checkRate(fromRate);
    int to = (int) toRate;
    if (to != toRate || to < 1000) {
      throw new IllegalArgumentException(
          "target sample rate must be a whole number of hertz >= 1000, got " + toRate);
    }
    if (from == to) {
      return samples.clone();
    }
    int expected = (int) ((long) samples.length * to / from);
    AVChannelLayout mono = new AVChannelLayout();
    av_channel_layout_default(mono, 1);
    SwrContext swr = swr_alloc();
    try {
      check(av_opt_set_chlayout(swr, "in_chlayout", mono, 0), "in_chlayout");
      check(av_opt_set_chlayout(swr, "out_chlayout", mono, 0), "out_chlayout");
      check(av_opt_set_int(swr, "in_sample_rate", from, 0), "in_sample_rate");
      check(av_opt_set_int(swr, "out_sample_rate", to, 0), "out_sample_rate");
      check(av_opt_set_sample_fmt(swr, "in_sample_fmt", AV_SAMPLE_FMT_FLT, 0), "in_sample_fmt");
      check(av_opt_set_sample_fmt(swr, "out_sample_fmt", AV_SAMPLE_FMT_FLT, 0), "out_sample_fmt");
      check(av_opt_set_int(swr, "filter_size", FILTER_SIZE, 0), "filter_size");
      check(av_opt_set_double(swr, "cutoff", CUTOFF, 0), "cutoff");
      check(swr_init(swr), "swr_init");
      int capacity = expected + 4 * FILTER_SIZE + 16;
      try (FloatPointer in = new FloatPointer(samples);
          FloatPointer out = new FloatPointer(capacity);
          PointerPointer<FloatPointer> inPlanes = planes(in);
          PointerPointer<FloatPointer> outPlanes = planes(out)) {
        int produced =
            check(swr_convert(swr, outPlanes, capacity, inPlanes, samples.length), "swr_convert");
        // drain what the filter still holds
        // the tail view shares out's memory: closing it would free out, so only its plane list is
        // closed
        FloatPointer tail = out.getPointer(produced);
        try (PointerPointer<FloatPointer> tailPlanes = planes(tail)) {
          produced +=
              check(
                  swr_convert(swr, tailPlanes, capacity - produced, (PointerPointer<?>) null, 0),
                  "flush");
        }
        float[] result = new float[Math.min(expected, produced)];
        out.get(result);
        return result;
      }
    } finally {
      swr_free(swr);
      av_channel_layout_uninit(mono);
    }
  }

  /** One plane per channel; {@code new PointerPointer(p)} would reinterpret p's memory instead. */
  private static PointerPointer<FloatPointer> planes(FloatPointer plane) {
    return new PointerPointer<FloatPointer>(1).put(0, plane);
  }

  private static int check(int code, String what) {
    if (code < 0) {
      throw new IllegalStateException("libswresample failed at " + what + " (error " + code + ")");
    }
    return code;
  }
}
