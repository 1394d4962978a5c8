import numpy as np, scipy.signal as ss, scipy.io.wavfile as wf
fs,x=wf.read('../shared/data/measurement_drone.wav'); x=x.astype(np.float64)
y=ss.resample_poly(x,6,25)
w=ss.windows.tukey(1024,0.75)
m=lambda f:1127*np.log(1+f/700); im=lambda m_:700*(np.exp(m_/1127)-1)
c=im(np.linspace(m(0),m(6400),26)); pb=np.floor(c*1022/12800).astype(int)
fb=np.zeros((512,24))
for i in range(24):
  fb[pb[i]:pb[i+1]+1,i]=np.linspace(0,1,pb[i+1]-pb[i]+1); fb[pb[i+1]:pb[i+2]+1,i]=np.linspace(1,0,pb[i+2]-pb[i+1]+1)
k=np.arange(1,13); B=np.sqrt(2/24)*np.cos(k[:,None]*np.pi/24*(np.arange(24)[None,:]+0.5)); lif=1+11*np.sin(np.pi*k/22)
out=[]
for n in range(len(y)//1024):
  p=np.abs(np.fft.rfft(y[n*1024:(n+1)*1024]*w))[:512]**2
  mel=np.maximum(p@fb,1e-3); cc=(B@np.log(mel))*lif; out.append((cc-cc.min())/(cc-cc.min()).max())
out=np.array(out); print(len(y), out.shape)
print("mean", ", ".join("%.4f"%v for v in out.mean(0)))
print("w0", ", ".join("%.4f"%v for v in out[0]))
print("w30", ", ".join("%.4f"%v for v in out[30]))
np.save('measurement_drone.mfcc-reference.npy', out.astype(np.float32))
