/**
 * Live cameras: network streams (RTSP, RTMP, HTTP), devices and files read by FFmpeg on one thread
 * per camera, pushed to a gateway's sink with reconnects, a stall watchdog and per-camera health
 * ({@link ai.avloc.ingest.live.LiveCamera}, {@link ai.avloc.ingest.live.CameraStatusPublisher});
 * camera URLs keep their credentials out of every log line, status and error ({@link
 * ai.avloc.ingest.live.CameraUrl}).
 */
package ai.avloc.ingest.live;
