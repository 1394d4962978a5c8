package ai.avloc.acoustics.audio;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * WAV files in and out through the JDK's javax.sound (PCM 16/24/32-bit and float32, any channel
 * count, so 128-microphone recordings too). Reading checks what users get wrong: empty or truncated
 * files, non-finite samples, and rates avloc does not take.
 */
public final class AudioFiles {
  /** Largest file read or written in one piece: a Java array's limit, less headroom. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 64;

  private AudioFiles() {}

  private static int checkedSize(long bytes) {
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              "%.1f GB of audio is more than avloc writes in one WAV (%.1f GB); write shorter files",
              bytes / 1e9, MAX_BYTES / 1e9));
    }
    return (int) bytes;
  }

  /** Reads a WAV file; samples scaled to [-1, 1] (float WAVs as stored). */
  public static MultichannelAudio read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + ": no such file");
    }
    if (Files.size(path) == 0) {
      throw new IllegalArgumentException(path + ": empty file");
    }
    AudioInputStream stream;
    InputStream file = new BufferedInputStream(Files.newInputStream(path));
    try {
      stream = AudioSystem.getAudioInputStream(file);
    } catch (UnsupportedAudioFileException e) {
      file.close();
      throw new IllegalArgumentException(
          path + ": not a WAV file avloc can read (PCM 16/24/32-bit or float32)", e);
    } catch (IOException e) {
      file.close();
      throw e;
    }
    try (stream) {
      AudioFormat format = stream.getFormat();
      int channels = format.getChannels();
      int bytes = format.getSampleSizeInBits() / 8;
      boolean isFloat = format.getEncoding() == AudioFormat.Encoding.PCM_FLOAT;
      if (!isFloat && format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED
          || isFloat && bytes != 4
          || !isFloat && (bytes < 2 || bytes > 4)) {
        throw new IllegalArgumentException(
            path + ": " + format + " is not supported; use PCM 16/24/32-bit or float32");
      }
      Resampler.checkRate(format.getSampleRate());
      long declaredBytes = stream.getFrameLength() * format.getFrameSize();
      if (stream.getFrameLength() != AudioSystem.NOT_SPECIFIED && declaredBytes > MAX_BYTES) {
        throw new IllegalArgumentException(
            String.format(
                "%s: %.1f GB of audio is more than avloc reads at once (%.1f GB); split the file",
                path, declaredBytes / 1e9, MAX_BYTES / 1e9));
      }
      byte[] data = stream.readAllBytes();
      long declared = stream.getFrameLength();
      int frameBytes = channels * bytes;
      long frames = data.length / frameBytes;
      if (declared != AudioSystem.NOT_SPECIFIED && frames < declared) {
        throw new IllegalArgumentException(
            path + ": truncated: header says " + declared + " frames, file holds " + frames);
      }
      if (frames == 0) {
        throw new IllegalArgumentException(path + ": no audio samples");
      }
      ByteBuffer buffer =
          ByteBuffer.wrap(data)
              .order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      float[][] out = new float[channels][(int) frames];
      double scale = Math.pow(2, 8 * bytes - 1);
      for (int f = 0; f < frames; f++) {
        for (int c = 0; c < channels; c++) {
          int at = f * frameBytes + c * bytes;
          float v;
          if (isFloat) {
            v = buffer.getFloat(at);
            if (!Float.isFinite(v)) {
              throw new IllegalArgumentException(
                  path + ": sample " + f + " of channel " + c + " is " + v);
            }
          } else {
            v = (float) (signedSample(buffer, at, bytes) / scale);
          }
          out[c][f] = v;
        }
      }
      return new MultichannelAudio(out, format.getSampleRate());
    }
  }

  private static long signedSample(ByteBuffer b, int at, int bytes) {
    boolean little = b.order() == ByteOrder.LITTLE_ENDIAN;
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      int shift = little ? 8 * i : 8 * (bytes - 1 - i);
      v |= (long) (b.get(at + i) & 0xff) << shift;
    }
    int unused = 64 - 8 * bytes;
    return (v << unused) >> unused;
  }

  /** Writes float32 WAV (lossless for simulated pressure, any channel count). */
  public static void writeFloat32(Path path, MultichannelAudio audio) throws IOException {
    int channels = audio.channelCount();
    int frames = audio.frames();
    ByteBuffer buffer =
        ByteBuffer.allocate(checkedSize(4L * frames * channels)).order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        float v = audio.channel(c)[f];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("sample " + f + " of channel " + c + " is " + v);
        }
        buffer.putFloat(v);
      }
    }
    float rate = (float) audio.sampleRate();
    AudioFormat format =
        new AudioFormat(
            AudioFormat.Encoding.PCM_FLOAT, rate, 32, channels, 4 * channels, rate, false);
    write(path, buffer.array(), format, frames);
  }

  /** Writes PCM16 WAV; samples are clipped to [-1, 1). */
  public static void writePcm16(Path path, MultichannelAudio audio) throws IOException {
    int channels = audio.channelCount();
    int frames = audio.frames();
    ByteBuffer buffer =
        ByteBuffer.allocate(checkedSize(2L * frames * channels)).order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        double v = Math.max(-1, Math.min(32767 / 32768.0, audio.channel(c)[f]));
        buffer.putShort((short) Math.round(v * 32768));
      }
    }
    float rate = (float) audio.sampleRate();
    AudioFormat format =
        new AudioFormat(
            AudioFormat.Encoding.PCM_SIGNED, rate, 16, channels, 2 * channels, rate, false);
    write(path, buffer.array(), format, frames);
  }

  private static void write(Path path, byte[] data, AudioFormat format, long frames)
      throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (InputStream in = new ByteArrayInputStream(data);
        AudioInputStream stream = new AudioInputStream(in, format, frames)) {
      AudioSystem.write(stream, AudioFileFormat.Type.WAVE, path.toFile());
    }
  }
}
