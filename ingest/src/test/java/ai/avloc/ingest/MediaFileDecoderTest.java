package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaFileDecoderTest {
  static final Instant WALL = Instant.parse("2026-11-25T12:00:00Z");

  @TempDir Path dir;

  static final class Collected implements CameraEvents {
    final List<VideoFrame> frames = new ArrayList<>();
    final List<AudioChunk> chunks = new ArrayList<>();
    final List<ArrayChunk> arrays = new ArrayList<>();

    /** Every event in the order it arrived. */
    final List<CameraEvent> events = new ArrayList<>();

    @Override
    public void frame(VideoFrame frame) {
      frames.add(frame);
      events.add(CameraEvent.of(frame));
    }

    @Override
    public void audio(AudioChunk chunk) {
      chunks.add(chunk);
      events.add(CameraEvent.of(chunk));
    }

    @Override
    public void array(ArrayChunk chunk) {
      arrays.add(chunk);
      events.add(CameraEvent.of(chunk));
    }

    short[] allSamples() {
      int n = chunks.stream().mapToInt(c -> c.getPcm16().remaining() / 2).sum();
      short[] out = new short[n];
      int at = 0;
      for (AudioChunk c : chunks) {
        ShortBuffer s = c.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        s.get(out, at, s.remaining());
        at += c.getPcm16().remaining() / 2;
      }
      return out;
    }
  }

  /** A 2 s, 25 fps, 320x240 MPEG-4 video with a stereo 48 kHz 1 kHz tone, written by FFmpeg. */
  Path recordTestClip() throws Exception {
    Path file = dir.resolve("clip.mkv");
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 320, 240, 2)) {
      recorder.setFormat("matroska");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setFrameRate(25);
      recorder.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
      recorder.setSampleRate(48_000);
      recorder.start();
      Java2DFrameConverter converter = new Java2DFrameConverter();
      for (int k = 0; k < 50; k++) {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 40, 40));
        g.fillRect(0, 0, 320, 240);
        g.dispose();
        recorder.record(converter.convert(image));
        short[] stereo = new short[2 * 1920];
        for (int i = 0; i < 1920; i++) {
          short v =
              (short) Math.round(8000 * Math.sin(2 * Math.PI * 1000 * (k * 1920 + i) / 48_000.0));
          stereo[2 * i] = v;
          stereo[2 * i + 1] = v;
        }
        recorder.recordSamples(48_000, 2, ShortBuffer.wrap(stereo));
      }
    }
    return file;
  }

  @Test
  void shouldKeepTwelveFramesPerSecondAtTheModelsSizeOnTheWallClock() throws Exception {
    Collected events = new Collected();
    MediaFileDecoder.Summary summary =
        new MediaFileDecoder(DecodeOptions.modelDefaults())
            .decode(recordTestClip(), "cam-1", WALL, events);
    assertEquals(24, events.frames.size(), "2 s at most 12 fps from a 25 fps source");
    assertEquals(26, summary.framesDropped());
    assertEquals(25.0, summary.sourceFps(), 1e-9);
    long previous = Long.MIN_VALUE;
    for (int k = 0; k < events.frames.size(); k++) {
      VideoFrame f = events.frames.get(k);
      assertEquals(k, f.getSequence());
      assertEquals("cam-1", f.getStreamId());
      long micros = ChronoUnit.MICROS.between(WALL, f.getTimestamp());
      assertTrue(
          micros >= 0 && micros < 2_000_000 && micros > previous,
          "frame " + k + " at " + micros + " us");
      previous = micros;
      BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(bytes(f.getJpeg())));
      assertEquals(298, image.getWidth());
      assertEquals(224, image.getHeight());
    }
    int rgb =
        ImageIO.read(new java.io.ByteArrayInputStream(bytes(events.frames.get(5).getJpeg())))
            .getRGB(149, 112);
    assertEquals(200, (rgb >> 16) & 0xff, 12, "red survives decoding, resizing and JPEG");
  }

  @Test
  void shouldCountMediaTimeFromTheContainersStart() throws Exception {
    // an export whose clock starts 10 hours in would otherwise be stamped 10 hours ahead
    Path late = dir.resolve("clip-late.mkv");
    MultichannelSourceTest.ffmpeg(
        "-i",
        recordTestClip().toString(),
        "-c",
        "copy",
        "-output_ts_offset",
        "36000",
        late.toString());
    Collected events = new Collected();
    new MediaFileDecoder(DecodeOptions.modelDefaults()).decode(late, "cam-1", WALL, events);
    assertEquals(24, events.frames.size());
    for (VideoFrame f : events.frames) {
      long micros = ChronoUnit.MICROS.between(WALL, f.getTimestamp());
      assertTrue(micros >= 0 && micros < 2_000_000, "frame at " + micros + " us");
    }
    assertEquals(WALL, events.chunks.get(0).getTimestamp());
  }

  @Test
  void shouldDownmixAndResampleTheAudioTo12288HzInGaplessChunks() throws Exception {
    Collected events = new Collected();
    new MediaFileDecoder(DecodeOptions.modelDefaults())
        .decode(recordTestClip(), "cam-1", WALL, events);
    short[] pcm = events.allSamples();
    assertEquals(2 * 12_288, pcm.length, 64);
    for (int i = 0; i + 1 < events.chunks.size(); i++) {
      AudioChunk a = events.chunks.get(i);
      AudioChunk b = events.chunks.get(i + 1);
      assertEquals(1024, a.getPcm16().remaining() / 2);
      assertEquals(12_288, a.getSampleRate());
      long gap = ChronoUnit.MICROS.between(a.getTimestamp(), b.getTimestamp());
      assertEquals(83_333, gap, 1, "chunk " + i + " to " + (i + 1));
    }
    // the 1 kHz tone keeps its amplitude through downmix and resampling
    double s = 0;
    double c = 0;
    for (int i = 4096; i < 20_480; i++) {
      s += pcm[i] * Math.sin(2 * Math.PI * 1000 * i / 12_288.0);
      c += pcm[i] * Math.cos(2 * Math.PI * 1000 * i / 12_288.0);
    }
    double amplitude = 2 * Math.hypot(s, c) / 16_384;
    assertEquals(8000, amplitude, 300);
  }

  @Test
  void shouldNameAFileFfmpegCannotOpen() throws Exception {
    Path junk = dir.resolve("junk.mp4");
    byte[] bytes = new byte[4096];
    new Random(1).nextBytes(bytes);
    Files.write(junk, bytes);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MediaFileDecoder(DecodeOptions.modelDefaults())
                    .decode(junk, "cam", WALL, new Collected()));
    assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
  }

  @Test
  void shouldNameAnEmptyOrMissingFile() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    MediaFileDecoder decoder = new MediaFileDecoder(DecodeOptions.modelDefaults());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> decoder.decode(empty, "c", WALL, new Collected()))
            .getMessage()
            .contains("empty file"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> decoder.decode(dir.resolve("none.mp4"), "c", WALL, new Collected()))
            .getMessage()
            .contains("no such file"));
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }
}
