package ai.avloc.ingest.live;

import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.MultichannelSource;
import ai.avloc.ingest.inventory.CameraSpec;
import ai.avloc.ingest.inventory.InventoryDiff;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live cameras of one gateway process, kept in step with its inventory: each camera runs on its
 * own thread and publishes into one shared sink and status publisher, so a camera that stalls,
 * drops or fails never holds up another. {@link #apply} starts added cameras, stops removed ones
 * and restarts changed ones, leaving the others untouched.
 *
 * <p>A mono camera is a {@link LiveCamera} (reconnects, watchdog, status of its own). It decodes
 * the camera's sub-stream when the inventory names one: the job sees 298x224 frames, which a
 * camera's low-resolution stream gives at a fraction of the decoding cost. An array camera (a
 * multichannel device, file or stream mapped to a geometry) is a {@link MultichannelSource}
 * published at real time; when it ends or fails it is opened again after the same backoff a mono
 * camera uses, and its status says so.
 */
public final class CameraFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CameraFleet.class);

  private final CameraEvents sink;
  private final CameraStatusPublisher status;
  private final DecodeOptions decode;
  private final Map<String, Running> running = new LinkedHashMap<>();

  /** One camera as it runs: stopped as a whole, asked for its status. */
  private interface Running {
    void stop();

    CameraStatus status();
  }

  public CameraFleet(CameraEvents sink, CameraStatusPublisher status, DecodeOptions decode) {
    this.sink = sink;
    this.status = status;
    this.decode = decode;
  }

  /** Starts a camera; one already running under the same id is stopped first. */
  public synchronized void start(CameraSpec spec) {
    stop(spec.id());
    status.label(spec.id(), spec.labels());
    Running camera = spec.isArray() ? new ArrayCapture(spec) : mono(spec);
    running.put(spec.id(), camera);
  }

  /** Starts a camera given by URL alone: mono, RTSP over TCP, no credentials beyond the URL's. */
  public synchronized void start(String streamId, CameraUrl url) {
    start(LiveCamera.Config.of(streamId, url));
  }

  /** Starts a mono camera so configured, with the fleet's decode options. */
  public synchronized void start(LiveCamera.Config config) {
    stop(config.streamId());
    LiveCamera camera = new LiveCamera(config.withDecode(decode), sink, status);
    camera.start();
    running.put(config.streamId(), wrap(camera));
  }

  /** Stops the camera with this id, if it runs. */
  public synchronized void stop(String streamId) {
    Running camera = running.remove(streamId);
    if (camera != null) {
      camera.stop();
    }
  }

  /** Applies an inventory change: removed cameras stop, changed ones restart, added ones start. */
  public synchronized void apply(InventoryDiff diff) {
    diff.removed().forEach(c -> stop(c.id()));
    diff.changed().forEach(this::startOrLog);
    diff.added().forEach(this::startOrLog);
    LOG.info(
        "inventory applied: {} added, {} removed, {} changed; {} camera(s) running",
        diff.added().size(),
        diff.removed().size(),
        diff.changed().size(),
        running.size());
  }

  /**
   * Starts a camera; one that cannot start (an input it cannot read) is logged and left out, so the
   * rest of an edit still applies.
   *
   * @return whether it started
   */
  public synchronized boolean startOrLog(CameraSpec spec) {
    try {
      start(spec);
      return true;
    } catch (RuntimeException e) {
      LOG.error("camera {}: not started: {}", spec.id(), e.getMessage());
      return false;
    }
  }

  public synchronized List<String> ids() {
    return List.copyOf(running.keySet());
  }

  /** Every running camera's status, in start order. */
  public synchronized List<CameraStatus> statuses() {
    List<CameraStatus> all = new ArrayList<>();
    running.values().forEach(c -> all.add(c.status()));
    return all;
  }

  /** Stops every camera; the sink and the status publisher stay open (their owner closes them). */
  @Override
  public synchronized void close() {
    for (String id : List.copyOf(running.keySet())) {
      stop(id);
    }
  }

  private Running mono(CameraSpec spec) {
    CameraUrl url = CameraUrl.parse(spec.substream() != null ? spec.substream() : spec.url());
    if (spec.user() != null) {
      url =
          url.withCredentials(spec.user(), spec.password() == null ? "" : spec.password().reveal());
    }
    LiveCamera.Transport transport =
        spec.transport() == CameraSpec.Transport.UDP
            ? LiveCamera.Transport.UDP
            : LiveCamera.Transport.TCP;
    LiveCamera camera =
        new LiveCamera(
            LiveCamera.Config.of(spec.id(), url).withTransport(transport).withDecode(decode),
            sink,
            status);
    camera.start();
    return wrap(camera);
  }

  private static Running wrap(LiveCamera camera) {
    return new Running() {
      @Override
      public void stop() {
        camera.stop();
      }

      @Override
      public CameraStatus status() {
        return camera.status();
      }
    };
  }

  /** An array camera's capture loop: open, publish at real time, and open again when it ends. */
  private final class ArrayCapture implements Running {
    private final CameraSpec spec;
    private final String shownUrl;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile Gateway gateway;
    private volatile CameraStatus current;
    private long reconnects;
    private long sequence;

    /** Each opening of the input counts its chunks from 0: the stream's numbering goes on. */
    private final CameraEvents numbered =
        new CameraEvents() {
          @Override
          public void frame(ai.avloc.schemas.VideoFrame frame) {
            sink.frame(frame);
          }

          @Override
          public void audio(ai.avloc.schemas.AudioChunk chunk) {
            sink.audio(chunk);
          }

          @Override
          public void array(ai.avloc.schemas.ArrayChunk chunk) {
            chunk.setSequence(sequence++);
            sink.array(chunk);
          }
        };

    ArrayCapture(CameraSpec spec) {
      this.spec = spec;
      this.shownUrl = CameraUrl.shown(spec.url());
      this.current = state(CameraState.CONNECTING, null);
      this.thread = new Thread(this::run, "array-camera-" + spec.id());
      thread.setDaemon(true);
      status.register(spec.id(), this::status);
      thread.start();
    }

    private void run() {
      LiveCamera.Backoff backoff = LiveCamera.Backoff.defaults();
      int failures = 0;
      while (stopped.getCount() > 0) {
        try (MultichannelSource source = MultichannelSource.open(spec, Instant.now())) {
          changed(
              state(
                  CameraState.CONNECTED,
                  current.getLastError() == null ? null : current.getLastError().toString()));
          failures = 0;
          Gateway g = new Gateway(List.of(source), numbered, Gateway.Pace.REAL_TIME);
          gateway = g;
          if (stopped.getCount() == 0) {
            break;
          }
          g.run();
          if (stopped.getCount() == 0) {
            break;
          }
          changed(
              state(
                  CameraState.RECONNECTING,
                  "camera " + spec.id() + " (" + shownUrl + "): the input ended"));
        } catch (RuntimeException | java.io.IOException e) {
          failures++;
          String why =
              "camera "
                  + spec.id()
                  + " ("
                  + shownUrl
                  + "): "
                  + hideCredentials(String.valueOf(e.getMessage()));
          changed(
              state(
                  reconnects == 0 && current.getState() != CameraState.CONNECTED
                      ? CameraState.FAILED
                      : CameraState.RECONNECTING,
                  why));
        }
        reconnects++;
        try {
          if (stopped.await(backoff.delay(failures).toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }

    private String hideCredentials(String text) {
      try {
        return CameraUrl.parse(spec.url()).redact(text);
      } catch (IllegalArgumentException notACameraUrl) {
        return text;
      }
    }

    private void changed(CameraStatus next) {
      if (stopped.getCount() == 0 && next.getState() != CameraState.STOPPED) {
        return; // a thread that outlived stop() must not publish over its STOPPED
      }
      current = next;
      status.stateChanged(next);
    }

    private CameraStatus state(CameraState state, String error) {
      return CameraStatus.newBuilder()
          .setStreamId(spec.id())
          .setUrl(shownUrl)
          .setState(state)
          .setSince(Instant.now())
          .setFpsIn(0)
          .setFpsOut(0)
          .setVideoPresent(false)
          .setAudioPresent(state == CameraState.CONNECTED)
          .setAudioLevelDbfs(null)
          .setLastError(error)
          .setReconnects(reconnects)
          .setGapSeconds(0f)
          .setDroppedEvents(0)
          .setReanchors(0)
          .setUpdatedAt(Instant.now())
          .build();
    }

    @Override
    public CameraStatus status() {
      return CameraStatus.newBuilder(current).setUpdatedAt(Instant.now()).build();
    }

    @Override
    public void stop() {
      stopped.countDown();
      Gateway g = gateway;
      if (g != null) {
        g.stop();
      }
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      status.unregister(spec.id());
      changed(state(CameraState.STOPPED, null));
    }
  }
}
