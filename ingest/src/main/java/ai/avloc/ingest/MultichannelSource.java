package ai.avloc.ingest;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.ingest.inventory.CameraSpec;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.WindowClock;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A microphone array as a camera: a multichannel file, stream or sound card read by FFmpeg with
 * every channel kept (no downmix), resampled to 12288 Hz, mapped to the geometry's microphones and
 * cut into {@link ArrayChunk}s of {@link WindowClock#SAMPLES_PER_WINDOW} samples per channel (12
 * chunks a second). Microphone m records source channel {@code channelMap[m]}, 0-based, so a device
 * whose first channel is a processed beam (the ReSpeaker USB array's channel 0) maps {@code [1, 2,
 * 3, 4]}.
 *
 * <p>Event time = {@code wallStart} + media time of the chunk's first sample: the first audio
 * sample's time from the container's start, then the samples since, so chunks tile without gaps;
 * the last chunk of a file may be short.
 *
 * <p>Inputs: whatever FFmpeg opens (a path, {@code rtsp://}, {@code http://}...), and sound cards
 * written {@code alsa:hw:2} or {@code pulse:default}, which open through FFmpeg's input device of
 * that name.
 */
public final class MultichannelSource implements CameraSource {
  static {
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
  }

  /**
   * No data from a network input for this long drops the connection and the camera reconnects: a
   * live camera's default stall timeout.
   */
  public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  /** {@code alsa:hw:2}: an FFmpeg input device, not a URL scheme (no "//"). */
  private static final Pattern DEVICE = Pattern.compile("^(alsa|pulse|oss|jack):(?!//)(.+)$");

  private final String input;
  private final String streamId;
  private final String geometryId;
  private final int[] channelMap;
  private final long wallStartMicros;
  private final float[][] pending;
  private int pendingCount;
  private FFmpegFrameGrabber grabber;
  private int sourceChannels;
  private long firstAudioMicros = Long.MIN_VALUE;
  private long samples;
  private long sequence;
  private final ArrayDeque<ArrayChunk> ready = new ArrayDeque<>();

  /**
   * Opens the input and checks that it has the channels the map needs.
   *
   * @param input a path, URL or {@code alsa:DEVICE}; shown in errors, so it must not hold a
   *     password (see {@link #open(CameraSpec, Instant)})
   * @param geometryId the chunks' geometry; a built-in name is checked against the map's length
   * @param channelMap {@code channelMap[m]} = source channel of microphone m, from 0
   * @throws IllegalArgumentException if the map does not fit the geometry or the input, or the
   *     input cannot be opened or has no audio; the message names the input and both counts
   */
  public MultichannelSource(
      String input, String streamId, String geometryId, int[] channelMap, Instant wallStart) {
    this(input, input, null, streamId, geometryId, channelMap, wallStart);
  }

  private MultichannelSource(
      String shown,
      String openWith,
      CameraSpec.Transport transport,
      String streamId,
      String geometryId,
      int[] channelMap,
      Instant wallStart) {
    this.input = shown;
    this.streamId = streamId;
    this.geometryId = geometryId;
    this.channelMap = channelMap.clone();
    this.wallStartMicros = CameraEvent.epochMicros(wallStart);
    checkMap();
    this.pending = new float[channelMap.length][WindowClock.SAMPLES_PER_WINDOW];
    open(openWith, transport);
  }

  /**
   * The array camera of an inventory entry: its url (with its credentials added for the decoder
   * only) and its array's geometry and channel map.
   *
   * @throws IllegalArgumentException if the camera has no array, or as the constructor
   */
  public static MultichannelSource open(CameraSpec camera, Instant wallStart) {
    if (camera.array() == null) {
      throw new IllegalArgumentException("camera '" + camera.id() + "' has no microphone array");
    }
    return new MultichannelSource(
        camera.url(),
        decoderUrl(camera),
        camera.transport(),
        camera.id(),
        camera.array().geometryId(),
        camera.array().channels(),
        wallStart);
  }

  @Override
  public String streamId() {
    return streamId;
  }

  /** Channels of the input as FFmpeg decodes it. */
  public int sourceChannels() {
    return sourceChannels;
  }

  @Override
  public CameraEvent next() throws IOException {
    while (ready.isEmpty() && grabber != null) {
      decodeOne();
    }
    ArrayChunk chunk = ready.poll();
    return chunk == null ? null : CameraEvent.of(chunk);
  }

  @Override
  public void close() {
    Grabbers.closeQuietly(grabber);
    grabber = null;
  }

  private void checkMap() {
    if (channelMap.length == 0) {
      throw new IllegalArgumentException(streamId + ": empty channel map");
    }
    for (int m = 0; m < channelMap.length; m++) {
      if (channelMap[m] < 0) {
        throw new IllegalArgumentException(
            streamId
                + ": channel map entry for microphone "
                + m
                + " is "
                + channelMap[m]
                + "; source channels are numbered from 0");
      }
    }
    if (BuiltinArrays.names().contains(geometryId)) {
      int mics = BuiltinArrays.byName(geometryId).size();
      if (mics != channelMap.length) {
        throw new IllegalArgumentException(
            streamId
                + ": channel map of "
                + channelMap.length
                + " channels for geometry "
                + geometryId
                + " of "
                + mics
                + " microphones");
      }
    }
  }

  private void open(String openWith, CameraSpec.Transport transport) {
    Matcher device = DEVICE.matcher(openWith);
    FFmpegFrameGrabber g =
        device.matches()
            ? new FFmpegFrameGrabber(device.group(2))
            : new FFmpegFrameGrabber(openWith);
    if (device.matches()) {
      g.setFormat(device.group(1));
    }
    String scheme = openWith.toLowerCase(Locale.ROOT);
    if (scheme.startsWith("rtsp")) {
      if (transport != null) {
        g.setOption("rtsp_transport", transport.name().toLowerCase(Locale.ROOT));
      }
      g.setOption("timeout", Long.toString(SOCKET_TIMEOUT.toNanos() / 1000));
    } else if (scheme.matches("(rtmps?|https?)://.*")) {
      // a stalled server would otherwise hold the camera CONNECTED, silent, for good
      g.setOption("rw_timeout", Long.toString(SOCKET_TIMEOUT.toNanos() / 1000));
    }
    // no setAudioChannels: FFmpeg keeps the source's channels, resampling each to 12288 Hz
    g.setSampleRate(WindowClock.SAMPLE_RATE);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
    try {
      Grabbers.start(g);
    } catch (FrameGrabber.Exception e) {
      Grabbers.closeQuietly(g);
      // FFmpeg's message quotes the URL it was given: show it without the credentials
      String why = String.valueOf(e.getMessage()).replace(openWith, input);
      throw new IllegalArgumentException(input + ": FFmpeg cannot open it as media: " + why);
    }
    sourceChannels = g.getAudioChannels();
    if (sourceChannels <= 0) {
      Grabbers.closeQuietly(g);
      throw new IllegalArgumentException(input + ": has no audio stream");
    }
    int needed = Arrays.stream(channelMap).max().orElse(0) + 1;
    if (needed > sourceChannels) {
      Grabbers.closeQuietly(g);
      throw new IllegalArgumentException(
          input
              + ": has "
              + sourceChannels
              + " audio channels but the channel map "
              + Arrays.toString(channelMap)
              + " of "
              + streamId
              + " needs "
              + needed
              + " (source channel "
              + (needed - 1)
              + ", channels are numbered from 0)");
    }
    grabber = g;
  }

  private void decodeOne() throws IOException {
    Frame frame;
    try {
      frame = grabber.grabSamples();
    } catch (FrameGrabber.Exception e) {
      throw new IOException(input + ": cannot decode audio: " + e.getMessage(), e);
    }
    if (frame == null) {
      if (pendingCount > 0) {
        emit();
      }
      close();
      return;
    }
    if (frame.samples == null) {
      return;
    }
    if (firstAudioMicros == Long.MIN_VALUE) {
      // JavaCV's frame times are the stream's own: a sound card's are epoch times, a live
      // MPEG-TS stream's start hours in; count from the container's start
      firstAudioMicros = frame.timestamp - Grabbers.startMicros(grabber);
    }
    // packed float: sample i of channel c at i * channels + c
    FloatBuffer in = (FloatBuffer) frame.samples[0];
    int channels = frame.audioChannels > 0 ? frame.audioChannels : sourceChannels;
    int frames = in.remaining() / channels;
    int base = in.position();
    for (int i = 0; i < frames; i++) {
      for (int m = 0; m < channelMap.length; m++) {
        pending[m][pendingCount] = in.get(base + i * channels + channelMap[m]);
      }
      pendingCount++;
      if (pendingCount == WindowClock.SAMPLES_PER_WINDOW) {
        emit();
      }
    }
  }

  private void emit() {
    long start = firstAudioMicros + Math.round(samples * 1e6 / WindowClock.SAMPLE_RATE);
    ByteBuffer bytes =
        ByteBuffer.allocate(channelMap.length * pendingCount * Float.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    for (float[] channel : pending) {
      for (int i = 0; i < pendingCount; i++) {
        bytes.putFloat(channel[i]);
      }
    }
    bytes.flip();
    ready.add(
        ArrayChunk.newBuilder()
            .setStreamId(streamId)
            .setSequence(sequence++)
            .setTimestamp(CameraEvent.instant(wallStartMicros + start))
            .setSampleRate(WindowClock.SAMPLE_RATE)
            .setGeometryId(geometryId)
            .setChannels(channelMap.length)
            .setSamplesPerChannel(pendingCount)
            .setFloat32(bytes)
            .build());
    samples += pendingCount;
    pendingCount = 0;
  }

  /**
   * The camera's URL as the decoder needs it: with {@code user:password@} (percent-encoded) for a
   * URL with a host, unchanged for a device or a path. Never log it.
   */
  static String decoderUrl(CameraSpec camera) {
    if (camera.user() == null) {
      return camera.url();
    }
    try {
      URI uri = new URI(camera.url());
      if (uri.getScheme() == null || uri.getRawAuthority() == null) {
        return camera.url(); // a device or a path: nothing to log in to
      }
      String userInfo =
          encode(camera.user())
              + (camera.password() == null ? "" : ":" + encode(camera.password().reveal()));
      String rest = camera.url().substring(camera.url().indexOf("://") + 3);
      if (uri.getRawUserInfo() != null) {
        rest = rest.substring(uri.getRawUserInfo().length() + 1); // the file's user@ is replaced
      }
      return uri.getScheme() + "://" + userInfo + "@" + rest;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "camera '" + camera.id() + "': url is not a valid URI: " + e.getReason(), e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
