package ai.avloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReplayRunTest {
  @Test
  void aStreamsClipStaysInTheOutputFolderWhateverItsId() {
    assertEquals("gate-1.mp4", ReplayRun.clipName("gate-1"));
    assertEquals("site_gate-1.mp4", ReplayRun.clipName("site/gate-1"));
    assertEquals(".._.._etc_passwd.mp4", ReplayRun.clipName("../../etc/passwd"));
    assertEquals("_...mp4", ReplayRun.clipName(".."));
    assertEquals("c_mara_7.mp4", ReplayRun.clipName("cámara 7"));
    Path out = Path.of("/runs/incident");
    for (String id : new String[] {"../x", "..", "/abs/path", "a\\b"}) {
      Path clip = out.resolve(ReplayRun.clipName(id)).normalize();
      assertEquals(out, clip.getParent(), id + " -> " + clip);
    }
  }
}
