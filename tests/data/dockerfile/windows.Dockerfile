# escape=`
# expect: CS-DF-005,CS-DF-031
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
WORKDIR C:\app
COPY app.ps1 C:\app\
RUN Get-ChildItem C:\ | Out-Null ; `
    Write-Host done
CMD ["powershell", "C:\\app\\app.ps1"]
