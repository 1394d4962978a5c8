#!/usr/bin/python3
"""An RTSP test camera for avloc's live-camera tests (GStreamer's RTSP server).

Usage: rtsp-test-server.py PORT MOUNT KIND [USER:PASSWORD]
  KIND: h264-aac | h264-pcmu | h264-opus | h265-alaw | h264-only
Video: videotestsrc, live, 320x240 at 25 fps, H.264 (x264enc, zerolatency) or H.265 (x265enc).
Audio: audiotestsrc, live, a 440 Hz sine at -20 dBFS peak (volume 0.1): its RMS level is
-23.01 dBFS; AAC at 48 kHz stereo or G.711 u-law at 8 kHz mono.
With USER:PASSWORD the mount asks for HTTP basic authentication.
Prints "ready" on stdout once the server listens.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

TEST_PICTURE = (
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=25/1"
    " ! videoconvert"
)
H264 = (
    TEST_PICTURE + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25"
    " ! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
)
H265 = (
    TEST_PICTURE + " ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=25"
    " ! rtph265pay name=pay0 pt=96 config-interval=1"
)
SINE = "audiotestsrc is-live=true wave=sine freq=440 volume=0.1 samplesperbuffer=480"
AUDIO = {
    "h264-aac": SINE
    + " ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac ! aacparse"
    " ! rtpmp4gpay name=pay1 pt=97",
    "h264-pcmu": SINE
    + " ! audio/x-raw,rate=8000,channels=1 ! audioconvert ! mulawenc ! rtppcmupay name=pay1 pt=0",
    "h264-opus": SINE
    + " ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! opusenc ! rtpopuspay name=pay1 pt=97",
    "h265-alaw": SINE
    + " ! audio/x-raw,rate=8000,channels=1 ! audioconvert ! alawenc ! rtppcmapay name=pay1 pt=8",
    "h264-only": None,
}


def main():
    port, mount, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    if kind not in AUDIO:
        sys.exit("kind must be one of " + ", ".join(AUDIO))
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    video = H265 if kind.startswith("h265") else H264
    launch = video if AUDIO[kind] is None else video + " " + AUDIO[kind]
    factory.set_launch("( " + launch + " )")
    factory.set_shared(True)
    if len(sys.argv) > 4:
        user, password = sys.argv[4].split(":", 1)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "camera-user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)
        factory.add_role_from_structure(
            Gst.Structure.new_from_string(
                "camera-user, media.factory.access=(boolean)true,"
                " media.factory.construct=(boolean)true"
            )
        )
    server.get_mount_points().add_factory(mount, factory)
    if server.attach(None) == 0:
        sys.exit("cannot listen on port " + port)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
