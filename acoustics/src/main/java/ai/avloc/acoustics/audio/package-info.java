/**
 * The paper's single-microphone MFCC and its parts (Tukey-windowed spectrum, mel filterbank,
 * cepstrum and its inverse), the background-noise input of training, WAV files, multichannel audio
 * and resampling to 12288 Hz through FFmpeg's libswresample. Pure signal processing: no models, no
 * streaming, no Kafka; the window's numbers come from {@link ai.avloc.schemas.WindowClock}.
 */
package ai.avloc.acoustics.audio;
